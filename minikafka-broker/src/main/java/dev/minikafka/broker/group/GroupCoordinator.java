package dev.minikafka.broker.group;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

import dev.minikafka.broker.group.store.CommittedOffsetEntity;
import dev.minikafka.broker.group.store.GroupEntity;
import dev.minikafka.broker.group.store.OffsetStore;
import dev.minikafka.broker.topic.Topic;
import dev.minikafka.broker.topic.TopicChanged;
import dev.minikafka.broker.topic.TopicNames;
import dev.minikafka.broker.topic.TopicRegistry;
import dev.minikafka.client.TopicPartition;

/**
 * The consumer groups this broker coordinates: members join, heartbeat and leave through it, it assigns
 * partitions (see {@link ConsumerGroup}), fences stale members, and stores committed offsets through the
 * {@link OffsetCommitter}. Offsets are cached in memory (loaded at start-up) for lag and positions. A group
 * with no members and no committed offsets is dropped from memory (when its last member leaves or expires,
 * or by the next sweep), so groups that never commit do not pile up.
 */
@Service
public class GroupCoordinator implements GroupsView, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);
    private static final int MAX_GROUP_ID_LENGTH = 255;
    private static final int MAX_METADATA_LENGTH = 4096;

    private final TopicRegistry topics;
    private final OffsetStore store;
    private final GroupProperties properties;
    private final Clock clock;
    private final OffsetCommitter committer;
    private final Map<String, ConsumerGroup> groups = new ConcurrentHashMap<>();
    private final AtomicLong rebalances = new AtomicLong();
    private final ScheduledExecutorService sweeper;
    private final ToIntFunction<String> partitionCount;

    public GroupCoordinator(TopicRegistry topics, OffsetStore store, GroupProperties properties, Clock clock) {
        this.topics = topics;
        this.store = store;
        this.properties = properties;
        this.clock = clock;
        this.partitionCount = name -> {
            Topic topic = topics.find(name);
            return topic == null ? 0 : topic.partitionCount();
        };
        this.committer = new OffsetCommitter(store, clock, properties.maxCommitBatch());
        load();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "minikafka-group-sessions");
            thread.setDaemon(true);
            return thread;
        });
        // Expiry is noticed within one period of the deadline; checking a few groups is cheap, so check often.
        long period = Math.max(10, Math.min(100, properties.heartbeatInterval().toMillis() / 4));
        sweeper.scheduleWithFixedDelay(this::expireMembers, period, period, TimeUnit.MILLISECONDS);
    }

    /** What a member asks for when it joins. Empty strings mean "not set". */
    public record JoinRequest(String groupId, List<String> topics, String instanceId, int sessionTimeoutMs,
                              String assignor, String clientId) {
    }

    /** Adds a member; its assignments go to {@code session}. Returns the member id. */
    public String join(JoinRequest request, MemberSession session) {
        checkGroupId(request.groupId());
        if (request.topics().isEmpty()) {
            throw GroupException.invalid("a member must subscribe to at least one topic");
        }
        Set<String> subscribed = new LinkedHashSet<>();
        for (String topic : request.topics()) {
            String problem = TopicNames.problemWith(topic);
            if (problem != null) {
                throw GroupException.invalid(problem);
            }
            subscribed.add(topic);
        }
        String assignor = request.assignor().isEmpty() ? properties.defaultAssignor() : request.assignor();
        if (!Assignor.NAMES.contains(assignor)) {
            throw GroupException.invalid("unknown assignor '" + assignor + "'; use one of " + Assignor.NAMES);
        }
        long sessionTimeoutMs = properties.sessionTimeoutMs(request.sessionTimeoutMs());
        String instanceId = request.instanceId().isEmpty() ? null : request.instanceId();
        String memberId = withGroup(request.groupId(), group -> group.join(instanceId, request.clientId(), subscribed,
                assignor, sessionTimeoutMs, session, System.nanoTime(), partitionCount));
        log.info("Member {} ({}) joined group {} for {}", memberId, request.clientId(), request.groupId(), subscribed);
        return memberId;
    }

    public void heartbeat(String groupId, String memberId, int epoch, Set<TopicPartition> owned) {
        existing(groupId).heartbeat(memberId, epoch, owned, System.nanoTime(), partitionCount);
    }

    /** The member's stream ended; {@code leaving} when it said goodbye (a static member then leaves for good). */
    public void disconnect(String groupId, String memberId, boolean leaving) {
        ConsumerGroup group = groups.get(groupId);
        if (group != null) {
            group.disconnect(memberId, leaving, System.nanoTime(), partitionCount);
            retireIfUnused(group);
            log.info("Member {} {} group {}", memberId, leaving ? "left" : "disconnected from", groupId);
        }
    }

    /**
     * Commits offsets once the member is checked to own every partition at that epoch (an empty member id:
     * only while the group has no live members). Completes when the commit is durable.
     */
    public CompletableFuture<Void> commit(String groupId, String memberId, int epoch, Map<TopicPartition, CommittedOffset> offsets) {
        checkGroupId(groupId);
        if (offsets.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        offsets.forEach(this::checkOffset);
        // Only a commit from outside the membership may create a group; a member's commit needs its group.
        if (memberId == null || memberId.isEmpty()) {
            return withGroup(groupId, group -> group.whileOwned(memberId, epoch, offsets.keySet(),
                    () -> store(group, offsets, epoch)));
        }
        ConsumerGroup group = groups.get(groupId);
        if (group == null) {
            throw GroupException.fenced("unknown member " + memberId + " of group '" + groupId
                    + "': the group has no members; rejoin the group");
        }
        return group.whileOwned(memberId, epoch, offsets.keySet(), () -> store(group, offsets, epoch));
    }

    /** Throws {@link GroupException} (FENCED) unless the member owns every partition at that epoch. */
    public void checkOwned(String groupId, String memberId, int epoch, Collection<TopicPartition> partitions) {
        existing(groupId).whileOwned(memberId, epoch, partitions, () -> null);
    }

    /** Committed offsets of a group (empty for one that never committed). */
    public Map<TopicPartition, CommittedOffset> committed(String groupId) {
        ConsumerGroup group = groups.get(groupId);
        return group == null ? Map.of() : Map.copyOf(group.committed());
    }

    /**
     * Lets a member read a partition it owns, and calls {@code fence} when it stops owning it. Throws
     * {@link GroupException} (FENCED) when it does not own it now.
     */
    public void addReader(String groupId, String memberId, int epoch, TopicPartition partition, Runnable fence) {
        if (memberId.isEmpty()) {
            throw GroupException.invalid("a group read must name its member id");
        }
        existing(groupId).addReader(memberId, epoch, partition, fence);
    }

    public void removeReader(String groupId, String memberId, TopicPartition partition, Runnable fence) {
        ConsumerGroup group = groups.get(groupId);
        if (group != null) {
            group.removeReader(memberId, partition, fence);
        }
    }

    /**
     * Sets committed offsets by hand; only while the group has no live members. Until the reset is stored and
     * cached, joins and commits from outside the membership are refused (retriable), so no consumer starts
     * from the offsets being replaced and commits over the reset.
     */
    public CompletableFuture<Void> resetOffsets(String groupId, Map<TopicPartition, Long> offsets) {
        ConsumerGroup group = existing(groupId);
        Map<TopicPartition, CommittedOffset> commits = new HashMap<>();
        long now = clock.millis();
        offsets.forEach((tp, offset) -> commits.put(tp, new CommittedOffset(offset, "reset by admin", now)));
        commits.forEach(this::checkOffset);
        return group.whileEmpty("reset the offsets of", () -> {
            CompletableFuture<Void> stored = queue(group, commits, 0);
            group.startChange("reset"); // after queue(), which may refuse the reset
            return answer(stored.whenComplete((ok, failure) -> group.endChange()));
        });
    }

    /**
     * Forgets a group and its offsets; only while it has no live members. The store's delete is queued behind
     * the commits already accepted for the group (a member's last commit before it left), so none writes its
     * row back afterwards; until it is done, joins and commits from outside the membership are refused
     * (retriable), and once it is, the group is retired, so they start a new one.
     */
    public void deleteGroup(String groupId) {
        ConsumerGroup group = existing(groupId);
        CompletableFuture<Void> deleted = group.whileEmpty("delete", () -> {
            group.startChange("deleted");
            return committer.runInOrder(() -> store.deleteGroup(groupId)).whenComplete((ok, failure) -> {
                if (failure == null) {
                    group.retire(); // a join waiting for the lock must not land in the dropped object
                    groups.remove(groupId, group);
                } else {
                    group.endChange();
                }
            });
        });
        long timeoutMs = properties.commitTimeout().toMillis();
        try {
            deleted.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new GroupException(GroupException.Kind.UNAVAILABLE, "the offset store is unreachable; group '"
                    + groupId + "' was not deleted: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new GroupException(GroupException.Kind.UNAVAILABLE, "the offset store did not answer within "
                    + timeoutMs + " ms; group '" + groupId + "' is deleted when it does (joins are refused until then), or"
                    + " kept if the delete fails");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GroupException(GroupException.Kind.UNAVAILABLE, "interrupted while deleting group '" + groupId + "'");
        }
        log.info("Deleted group {}", groupId);
    }

    /** Members, assignments and state of a group, for the admin API. */
    public GroupDescription describe(String groupId) {
        ConsumerGroup group = existing(groupId);
        return new GroupDescription(groupId, group.state(), group.describeMembers(), Map.copyOf(group.committed()));
    }

    @Override
    public List<GroupSnapshot> groups() {
        List<GroupSnapshot> list = new ArrayList<>();
        for (ConsumerGroup group : groups.values()) {
            Map<TopicPartition, Long> committed = new HashMap<>();
            group.committed().forEach((tp, c) -> committed.put(tp, c.offset()));
            list.add(new GroupSnapshot(group.id(), group.state().name(), group.memberCount(), committed));
        }
        list.sort(Comparator.comparing(GroupSnapshot::groupId));
        return list;
    }

    @Override
    public long rebalanceCount() {
        return rebalances.get();
    }

    @EventListener
    public void onTopicChanged(TopicChanged event) {
        long now = System.nanoTime();
        for (ConsumerGroup group : groups.values()) {
            group.topicsChanged(Set.of(event.topic()), now, partitionCount);
        }
        if (event.change() == TopicChanged.Change.DELETED) {
            deleteOffsets(event.topic());
        }
    }

    /**
     * Deletes a deleted topic's offsets through the committer's queue: behind every commit for it validated
     * before its partitions were taken from the members (or before it was gone), so none can write a row or
     * a cache entry back afterwards, and ahead of any commit for a topic re-created under the same name.
     */
    private void deleteOffsets(String topic) {
        CompletableFuture<Void> deleted = committer.runInOrder(() -> {
            try {
                store.deleteTopic(topic);
            } finally {
                groups.values().forEach(g -> g.committed().keySet().removeIf(tp -> tp.topic().equals(topic)));
            }
        });
        try {
            deleted.get(properties.commitTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            log.warn("Could not delete the committed offsets of deleted topic {}: {}", topic, e.getCause().getMessage());
        } catch (TimeoutException e) {
            log.warn("The committed offsets of deleted topic {} are not deleted yet: the offset store is slow", topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CompletableFuture<Void> store(ConsumerGroup group, Map<TopicPartition, CommittedOffset> offsets, int epoch) {
        return answer(queue(group, offsets, epoch));
    }

    /** Queues a commit of the group (under its lock); completes once it is stored and cached, or failed. */
    private CompletableFuture<Void> queue(ConsumerGroup group, Map<TopicPartition, CommittedOffset> offsets, int epoch) {
        List<OffsetStore.Commit> commits = new ArrayList<>(offsets.size());
        offsets.forEach((tp, c) -> commits.add(
                new OffsetStore.Commit(group.id(), tp.topic(), tp.partition(), c.offset(), c.metadata(), epoch)));
        // Checked again under the group's lock: a topic deleted since the first check has its offsets deleted
        // behind the commits queued so far, so this one must not be queued after that.
        offsets.keySet().forEach(tp -> partitionsOf(tp.topic()));
        // The cache gets the commit time the database got, so the answer does not change with a restart.
        group.commitQueued(); // keeps the group in memory until its cache is updated
        CompletableFuture<Void> stored = committer.submit(commits, at -> offsets.forEach((tp, c) ->
                group.committed().put(tp, new CommittedOffset(c.offset(), c.metadata(), at.toEpochMilli()))));
        return stored.whenComplete((ok, failure) -> group.commitDone());
    }

    /** What the caller waits for: the commit, or UNAVAILABLE once it is not stored within the commit timeout. */
    private CompletableFuture<Void> answer(CompletableFuture<Void> stored) {
        long timeoutMs = properties.commitTimeout().toMillis();
        return stored.orTimeout(timeoutMs, TimeUnit.MILLISECONDS).exceptionallyCompose(failure ->
                CompletableFuture.failedFuture(unwrap(failure) instanceof TimeoutException
                        ? new GroupException(GroupException.Kind.UNAVAILABLE, "the offset store did not answer within "
                                + timeoutMs + " ms; the commit may or may not be stored. Retry it")
                        : unwrap(failure)));
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private int partitionsOf(String topic) {
        int count = partitionCount.applyAsInt(topic);
        if (count == 0) {
            throw GroupException.invalid("cannot commit for topic '" + topic + "': it does not exist");
        }
        return count;
    }

    private void checkOffset(TopicPartition tp, CommittedOffset offset) {
        int count = partitionsOf(tp.topic());
        if (tp.partition() >= count) {
            throw GroupException.invalid("topic '" + tp.topic() + "' has " + count + " partitions; there is no " + tp);
        }
        if (offset.offset() < 0) {
            throw GroupException.invalid("committed offset for " + tp + " must not be negative, got " + offset.offset());
        }
        if (offset.metadata() != null && offset.metadata().length() > MAX_METADATA_LENGTH) {
            throw GroupException.invalid("commit metadata is limited to " + MAX_METADATA_LENGTH + " characters");
        }
        if (offset.metadata() != null && offset.metadata().indexOf('\0') >= 0) {
            // PostgreSQL text cannot hold U+0000; caught here, it would fail every commit of its batch.
            throw GroupException.invalid("commit metadata for " + tp + " must not contain the NUL character (U+0000)");
        }
    }

    static void checkGroupId(String groupId) {
        if (groupId == null || groupId.isBlank()) {
            throw GroupException.invalid("the group id must not be empty");
        }
        if (groupId.length() > MAX_GROUP_ID_LENGTH) {
            throw GroupException.invalid("the group id is limited to " + MAX_GROUP_ID_LENGTH + " characters");
        }
        if (groupId.chars().anyMatch(Character::isISOControl)) {
            throw GroupException.invalid("the group id must not contain control characters");
        }
    }

    private ConsumerGroup group(String groupId) {
        return groups.computeIfAbsent(groupId, this::newGroup);
    }

    /** Runs {@code action} on the group, created if absent; again on a new one if it was retired meanwhile. */
    private <T> T withGroup(String groupId, Function<ConsumerGroup, T> action) {
        while (true) {
            ConsumerGroup group = group(groupId);
            try {
                return action.apply(group);
            } catch (ConsumerGroup.Retired e) {
                groups.remove(groupId, group);
            }
        }
    }

    private void retireIfUnused(ConsumerGroup group) {
        if (group.retireIfUnused()) {
            groups.remove(group.id(), group);
        }
    }

    private ConsumerGroup existing(String groupId) {
        ConsumerGroup group = groups.get(groupId);
        if (group == null) {
            throw new GroupException(GroupException.Kind.NOT_FOUND, "no group '" + groupId + "'");
        }
        return group;
    }

    private ConsumerGroup newGroup(String groupId) {
        return new ConsumerGroup(groupId, properties.heartbeatInterval().toMillis(), rebalances::incrementAndGet);
    }

    private void load() {
        for (GroupEntity entity : store.allGroups()) {
            group(entity.groupId());
        }
        for (CommittedOffsetEntity row : store.allOffsets()) {
            group(row.groupId()).committed().put(new TopicPartition(row.topic(), row.partition()),
                    new CommittedOffset(row.offset(), row.metadata(), row.committedAt().toEpochMilli()));
        }
        log.info("Loaded {} consumer groups", groups.size());
    }

    private void expireMembers() {
        try {
            long now = System.nanoTime();
            for (ConsumerGroup group : groups.values()) {
                int expired = group.expire(now, partitionCount);
                if (expired > 0) {
                    log.info("Removed {} members of group {} whose sessions timed out", expired, group.id());
                }
                retireIfUnused(group);
            }
        } catch (RuntimeException e) {
            log.error("Group session check failed", e);
        }
    }

    @Override
    public void destroy() {
        sweeper.shutdownNow();
        committer.close();
    }
}
