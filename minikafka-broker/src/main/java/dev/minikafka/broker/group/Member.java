package dev.minikafka.broker.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.minikafka.client.TopicPartition;

/**
 * One live member of a group, as the coordinator sees it. Mutable; guarded by its group's lock.
 *
 * <p>{@code owned} is what the member may read and commit: a partition enters it when an assignment hands
 * it over and leaves it when the member confirms a revocation (or leaves the group). {@code sent} is what
 * the last assignment told the member; while {@code owned} holds more than {@code sent}, a revocation is
 * waiting for the member's confirmation.
 */
final class Member {

    final String id;
    final String instanceId;
    final String clientId;
    final Set<String> topics;
    final long sessionTimeoutMs;
    int epoch;
    /** Owned partitions, each with the member epoch in which it was handed over. */
    final Map<TopicPartition, Integer> owned = new HashMap<>();
    Set<TopicPartition> sent;
    long lastSeenNanos;
    /** When the pending revocation was sent, or -1 when none is pending. */
    long revokingSinceNanos = -1;
    /** The member's stream; null while a static member is disconnected and may still come back. */
    MemberSession session;
    /** Fence callbacks of this member's open reads, per partition: run when the partition leaves {@code owned}. */
    private final Map<TopicPartition, List<Runnable>> readers = new HashMap<>();

    Member(String id, String instanceId, String clientId, Set<String> topics, long sessionTimeoutMs,
            MemberSession session, long nowNanos) {
        this.id = id;
        this.instanceId = instanceId;
        this.clientId = clientId;
        this.topics = Set.copyOf(topics);
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.session = session;
        this.lastSeenNanos = nowNanos;
    }

    boolean isStatic() {
        return instanceId != null;
    }

    /** Partitions owned but no longer in the last assignment sent: revoked, not yet confirmed. */
    boolean isRevoking() {
        return sent != null && owned.size() > sent.size();
    }

    void addReader(TopicPartition partition, Runnable fence) {
        readers.computeIfAbsent(partition, k -> new ArrayList<>()).add(fence);
    }

    void removeReader(TopicPartition partition, Runnable fence) {
        List<Runnable> list = readers.get(partition);
        if (list != null && list.remove(fence) && list.isEmpty()) {
            readers.remove(partition);
        }
    }

    /** The member gives up a partition: it is no longer owned, and reads of it are ended. */
    void release(TopicPartition partition) {
        owned.remove(partition);
        List<Runnable> fences = readers.remove(partition);
        if (fences != null) {
            fences.forEach(Runnable::run);
        }
    }

    void releaseAll() {
        for (TopicPartition partition : List.copyOf(owned.keySet())) {
            release(partition);
        }
        readers.values().forEach(list -> list.forEach(Runnable::run));
        readers.clear();
    }
}
