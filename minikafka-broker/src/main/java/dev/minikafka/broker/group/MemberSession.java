package dev.minikafka.broker.group;

import java.util.Set;

import dev.minikafka.client.TopicPartition;

/**
 * The coordinator's line to one member's session stream. The coordinator calls it under the group's lock,
 * so calls for one member never overlap; implementations must not block.
 */
public interface MemberSession {

    /** Tells the member every partition it may read now, with its epoch. */
    void assign(String memberId, int memberEpoch, Set<TopicPartition> partitions, long heartbeatIntervalMs,
            long sessionTimeoutMs);

    /** Ends the session: the member was removed from the group (timed out, or replaced). */
    void fence(String reason);
}
