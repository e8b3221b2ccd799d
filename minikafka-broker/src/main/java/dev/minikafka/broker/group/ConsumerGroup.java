package dev.minikafka.broker.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

import dev.minikafka.client.TopicPartition;

/**
 * One consumer group: its live members, the target assignment and the committed offsets, and the state
 * machine that moves partitions between members in two steps (revoke, confirm, then assign). Every method
 * that touches membership holds this object's lock; committed offsets are a concurrent map so that lag and
 * metrics read them without it.
 *
 * <p>The coordinator drops a group that holds nothing (no members, no committed offsets, no commit on its
 * way to the store) from memory; {@link #retireIfUnused} marks it retired under the lock first, so a caller
 * that looked it up just before gets {@link Retired} from a join or a commit and looks it up again.
 *
 * <p>An admin change (a delete, an offset reset) is stored behind the commits already queued; while it is on
 * its way ({@link #startChange}), joins and commits from outside the membership are refused as retriable, so
 * none starts from the offsets being replaced or lands behind the change.
 */
final class ConsumerGroup {

    private final String id;
    private final long heartbeatIntervalMs;
    private final Runnable onRebalance;
    private final Map<String, Member> members = new TreeMap<>();
    private final Map<TopicPartition, CommittedOffset> committed = new ConcurrentHashMap<>();
    private Map<TopicPartition, String> target = Map.of();
    private String assignor;
    private volatile int liveMembers;
    private int commitsInFlight;
    private boolean retired;
    /** The admin change being stored ("deleted", "reset"), or null. */
    private String changing;

    /** The group was dropped from the coordinator after the caller looked it up: look it up again. */
    static final class Retired extends GroupException {
        Retired(String id) {
            super(Kind.NOT_FOUND, "no group '" + id + "'");
        }
    }

    ConsumerGroup(String id, long heartbeatIntervalMs, Runnable onRebalance) {
        this.id = id;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        this.onRebalance = onRebalance;
    }

    String id() {
        return id;
    }

    int memberCount() {
        return liveMembers;
    }

    Map<TopicPartition, CommittedOffset> committed() {
        return committed;
    }

    // ---- membership ------------------------------------------------------------------------------------

    /**
     * Adds a member (or gives a static member's partitions to its new session) and rebalances. Returns the
     * member id.
     */
    synchronized String join(String instanceId, String clientId, Set<String> topics, String assignorName,
            long sessionTimeoutMs, MemberSession session, long nowNanos, ToIntFunction<String> partitionCount) {
        checkNotRetired();
        checkNotChanging();
        if (!members.isEmpty() && !assignor.equals(assignorName)) {
            throw GroupException.invalid("group '" + id + "' uses the " + assignor + " assignor; this member asked for "
                    + assignorName + ". All members of a group must use the same one");
        }
        assignor = assignorName;
        String memberId = UUID.randomUUID().toString();
        Member member = new Member(memberId, instanceId, clientId, topics, sessionTimeoutMs, session, nowNanos);
        Member previous = instanceId == null ? null : byInstance(instanceId);
        if (previous != null) {
            if (previous.session != null) {
                throw new GroupException(GroupException.Kind.CONFLICT, "instance id '" + instanceId
                        + "' is in use by a live member of group '" + id + "'; close that consumer first, or use another id");
            }
            // A static member came back within its session timeout: it keeps its partitions, under a new id and epoch.
            members.remove(previous.id);
            member.owned.putAll(previous.owned);
            previous.releaseAll(); // ends the old process's reads: they would go on beside the new instance's
            member.epoch = previous.epoch;
            Map<TopicPartition, String> moved = new HashMap<>(target);
            moved.replaceAll((tp, owner) -> owner.equals(previous.id) ? memberId : owner);
            target = moved;
        }
        members.put(memberId, member);
        liveMembers = members.size();
        rebalance(nowNanos, partitionCount);
        return memberId;
    }

    /**
     * A heartbeat: the member is alive, and any revoked partition it no longer lists is released to its
     * new owner.
     */
    synchronized void heartbeat(String memberId, int epoch, Set<TopicPartition> reported, long nowNanos,
            ToIntFunction<String> partitionCount) {
        Member member = member(memberId);
        if (epoch > member.epoch) {
            throw GroupException.fenced("member epoch " + epoch + " is ahead of the broker's " + member.epoch
                    + " for member " + memberId + " of group '" + id + "'");
        }
        member.lastSeenNanos = nowNanos;
        if (!member.isRevoking()) {
            return;
        }
        boolean released = false;
        for (TopicPartition tp : List.copyOf(member.owned.keySet())) {
            if (!member.sent.contains(tp) && !reported.contains(tp)) {
                member.release(tp);
                released = true;
            }
        }
        if (released) {
            reconcileAll(nowNanos);
        }
    }

    /** The member left (its stream ended); a static member is kept for its session timeout. */
    synchronized void disconnect(String memberId, boolean leaving, long nowNanos, ToIntFunction<String> partitionCount) {
        Member member = members.get(memberId);
        if (member == null) {
            return;
        }
        if (member.isStatic() && !leaving) {
            member.session = null;
            member.lastSeenNanos = nowNanos;
            return;
        }
        remove(member, null, nowNanos, partitionCount);
    }

    /** Removes members past their session timeout or revocation deadline; returns how many. */
    synchronized int expire(long nowNanos, ToIntFunction<String> partitionCount) {
        List<Member> expired = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (Member member : members.values()) {
            long timeoutNanos = member.sessionTimeoutMs * 1_000_000L;
            if (nowNanos - member.lastSeenNanos > timeoutNanos) {
                expired.add(member);
                reasons.add("no heartbeat within the session timeout of " + member.sessionTimeoutMs + " ms");
            } else if (member.revokingSinceNanos >= 0 && nowNanos - member.revokingSinceNanos > timeoutNanos) {
                expired.add(member);
                reasons.add("revoked partitions were not released within " + member.sessionTimeoutMs + " ms");
            }
        }
        for (int i = 0; i < expired.size(); i++) {
            remove(expired.get(i), "removed from group '" + id + "': " + reasons.get(i), nowNanos, partitionCount);
        }
        return expired.size();
    }

    /**
     * Topics were created or deleted: recompute the assignment if a member reads one of them. A deleted
     * topic's partitions are taken from every member at once, without waiting for confirmations: they are
     * gone, and an owner kept across a re-creation under the same name would commit the old topic's
     * positions to the new one.
     */
    synchronized void topicsChanged(Set<String> changed, long nowNanos, ToIntFunction<String> partitionCount) {
        for (Member member : members.values()) {
            for (TopicPartition tp : List.copyOf(member.owned.keySet())) {
                if (changed.contains(tp.topic()) && partitionCount.applyAsInt(tp.topic()) == 0) {
                    member.release(tp);
                }
            }
        }
        boolean affected = members.values().stream().anyMatch(m -> m.topics.stream().anyMatch(changed::contains));
        if (affected) {
            rebalance(nowNanos, partitionCount);
        }
        committed.keySet().removeIf(tp -> changed.contains(tp.topic()) && partitionCount.applyAsInt(tp.topic()) == 0);
    }

    private void remove(Member member, String fenceReason, long nowNanos, ToIntFunction<String> partitionCount) {
        members.remove(member.id);
        liveMembers = members.size();
        member.releaseAll();
        if (fenceReason != null && member.session != null) {
            member.session.fence(fenceReason);
        }
        rebalance(nowNanos, partitionCount);
    }

    // ---- fencing ---------------------------------------------------------------------------------------

    /**
     * Checks that {@code memberId} at {@code epoch} owns every partition, then runs {@code action} still
     * under the lock (so that commits validated in order are queued in order). An empty member id is a
     * consumer outside the group's membership: allowed only while the group has no live members.
     */
    synchronized <T> T whileOwned(String memberId, int epoch, Collection<TopicPartition> partitions,
            java.util.function.Supplier<T> action) {
        if (memberId == null || memberId.isEmpty()) {
            checkNotRetired();
            checkNotChanging();
            if (!members.isEmpty()) {
                throw GroupException.fenced("group '" + id + "' has " + members.size()
                        + " live members; only a member may commit or read for it (join the group, or stop its members first)");
            }
            return action.get();
        }
        Member member = member(memberId);
        if (epoch > member.epoch) {
            throw GroupException.fenced("member epoch " + epoch + " is ahead of the broker's " + member.epoch
                    + " for member " + memberId);
        }
        for (TopicPartition tp : partitions) {
            Integer since = member.owned.get(tp);
            if (since == null) {
                throw GroupException.fenced("member " + memberId + " of group '" + id + "' does not own " + tp
                        + " (it was revoked or never assigned)");
            }
            if (epoch < since) {
                throw GroupException.fenced("stale member epoch " + epoch + ": " + tp + " was assigned in epoch " + since);
            }
        }
        return action.get();
    }

    /** Registers a read that must end when the member loses the partition; validates ownership first. */
    synchronized void addReader(String memberId, int epoch, TopicPartition partition, Runnable fence) {
        whileOwned(memberId, epoch, List.of(partition), () -> {
            members.get(memberId).addReader(partition, fence);
            return null;
        });
    }

    synchronized void removeReader(String memberId, TopicPartition partition, Runnable fence) {
        Member member = members.get(memberId);
        if (member != null) {
            member.removeReader(partition, fence);
        }
    }

    /** Runs an admin change (a delete, a reset) under the lock, only while the group has no live members. */
    synchronized <T> T whileEmpty(String what, java.util.function.Supplier<T> action) {
        checkNotRetired();
        checkNotChanging();
        if (!members.isEmpty()) {
            throw new GroupException(GroupException.Kind.CONFLICT, "cannot " + what + " group '" + id + "' while it has "
                    + members.size() + " live members; stop its consumers first");
        }
        return action.get();
    }

    // ---- lifetime --------------------------------------------------------------------------------------

    /** A commit of this group was queued for the store; call under the lock, with the commit's validation. */
    synchronized void commitQueued() {
        commitsInFlight++;
    }

    /** A queued commit was stored (and cached) or failed. */
    synchronized void commitDone() {
        commitsInFlight--;
    }

    /**
     * Retires the group if it holds nothing worth keeping in memory: no members, no committed offsets and no
     * commit on its way to the store (whose cache update would otherwise be lost). Returns whether it is
     * retired; the caller then removes it from the coordinator.
     */
    synchronized boolean retireIfUnused() {
        if (members.isEmpty() && committed.isEmpty() && commitsInFlight == 0) {
            retired = true;
        }
        return retired;
    }

    /** Retires the group whatever it holds (it was deleted). */
    synchronized void retire() {
        retired = true;
    }

    /**
     * An admin change of the group was queued for the store (call from {@link #whileEmpty}'s action): until
     * {@link #endChange} or {@link #retire}, joins and commits from outside the membership are refused.
     */
    synchronized void startChange(String what) {
        changing = what;
    }

    /** The admin change was stored (and cached) or failed. */
    synchronized void endChange() {
        changing = null;
    }

    private void checkNotRetired() {
        if (retired) {
            throw new Retired(id);
        }
    }

    private void checkNotChanging() {
        if (changing != null) {
            throw new GroupException(GroupException.Kind.UNAVAILABLE, "group '" + id + "' is being " + changing
                    + " by an admin and waits for the offset store; retry shortly");
        }
    }

    // ---- assignment ------------------------------------------------------------------------------------

    private void rebalance(long nowNanos, ToIntFunction<String> partitionCount) {
        SortedMap<String, Set<String>> subscriptions = new TreeMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (Member member : members.values()) {
            subscriptions.put(member.id, member.topics);
            member.topics.forEach(t -> counts.computeIfAbsent(t, partitionCount::applyAsInt));
        }
        Map<TopicPartition, String> next = members.isEmpty() ? Map.of()
                : Assignor.assign(assignor, subscriptions, counts, target);
        if (!next.equals(target)) {
            target = next;
            onRebalance.run();
        }
        reconcileAll(nowNanos);
    }

    /**
     * Moves every member one step towards the target: first take back what it should not have (and wait
     * for its confirmation); then give it what it should have and nobody else still owns.
     */
    private void reconcileAll(long nowNanos) {
        Set<TopicPartition> ownedByAnyone = new HashSet<>();
        members.values().forEach(m -> ownedByAnyone.addAll(m.owned.keySet()));
        for (Member member : members.values()) {
            if (member.session == null) {
                continue; // a disconnected static member keeps what it had until it returns or expires
            }
            Set<TopicPartition> keep = new HashSet<>();
            for (TopicPartition tp : member.owned.keySet()) {
                if (member.id.equals(target.get(tp))) {
                    keep.add(tp);
                }
            }
            if (keep.size() < member.owned.size()) {
                if (!keep.equals(member.sent)) {
                    member.sent = Set.copyOf(keep);
                    // The deadline runs from the first unconfirmed revocation: a new one on top (members keep
                    // joining and leaving) must not extend it, or a member stuck in its poll loop stays forever.
                    if (member.revokingSinceNanos < 0) {
                        member.revokingSinceNanos = nowNanos;
                    }
                    send(member);
                }
                continue;
            }
            member.revokingSinceNanos = -1;
            List<TopicPartition> added = new ArrayList<>();
            target.forEach((tp, owner) -> {
                if (owner.equals(member.id) && !ownedByAnyone.contains(tp)) {
                    added.add(tp);
                }
            });
            if (!added.isEmpty()) {
                member.epoch++;
                added.forEach(tp -> {
                    member.owned.put(tp, member.epoch);
                    ownedByAnyone.add(tp);
                });
            }
            if (member.sent == null || !member.sent.equals(member.owned.keySet())) {
                member.sent = Set.copyOf(member.owned.keySet());
                send(member);
            }
        }
    }

    private void send(Member member) {
        // A member heartbeating at its session timeout would be expired between two beats; a third of it
        // leaves room for two late or lost heartbeats, as Kafka recommends.
        long interval = Math.max(1, Math.min(heartbeatIntervalMs, member.sessionTimeoutMs / 3));
        member.session.assign(member.id, member.epoch, member.sent, interval, member.sessionTimeoutMs);
    }

    // ---- reading ---------------------------------------------------------------------------------------

    synchronized GroupState state() {
        if (members.isEmpty()) {
            return GroupState.EMPTY;
        }
        for (Member member : members.values()) {
            if (member.isRevoking()) {
                return GroupState.RECONCILING;
            }
        }
        for (Map.Entry<TopicPartition, String> e : target.entrySet()) {
            Member owner = members.get(e.getValue());
            if (owner == null || !owner.owned.containsKey(e.getKey())) {
                return GroupState.RECONCILING;
            }
        }
        return GroupState.STABLE;
    }

    /** The live members, for the admin API. */
    synchronized List<MemberDescription> describeMembers() {
        List<MemberDescription> list = new ArrayList<>();
        for (Member m : members.values()) {
            list.add(new MemberDescription(m.id, m.instanceId, m.clientId, m.epoch, Set.copyOf(m.topics),
                    Set.copyOf(m.owned.keySet()), m.session != null));
        }
        return list;
    }

    private Member member(String memberId) {
        Member member = members.get(memberId);
        if (member == null) {
            throw GroupException.fenced("unknown member " + memberId + " of group '" + id
                    + "': it left, or its session timed out; rejoin the group");
        }
        return member;
    }

    private Member byInstance(String instanceId) {
        for (Member member : members.values()) {
            if (instanceId.equals(member.instanceId)) {
                return member;
            }
        }
        return null;
    }
}
