package dev.minikafka.broker.group;

import java.util.List;
import java.util.Map;

import dev.minikafka.client.TopicPartition;

/**
 * What the rest of the broker (metrics, the admin API) reads about consumer groups, without reaching into
 * the coordinator: each group's state, live members and latest committed offsets. Answers come from
 * memory, never from the database, so they are cheap enough for a metrics snapshot every second.
 */
public interface GroupsView {

    /** Every known group (live or only remembered for its committed offsets), sorted by id. */
    List<GroupSnapshot> groups();

    /** Rebalances started since the broker started, over all groups. */
    long rebalanceCount();

    /**
     * Queue depth of a partition as DESIGN.md defines it: records appended but not yet consumed by every
     * group that reads it, i.e. log end offset minus the smallest committed offset (clamped to the log
     * start). A partition no group has committed on counts everything it retains as waiting.
     */
    default long queueDepth(TopicPartition partition, long logStartOffset, long logEndOffset) {
        long slowest = logEndOffset;
        boolean anyGroup = false;
        for (GroupSnapshot group : groups()) {
            Long committed = group.committed().get(partition);
            if (committed != null) {
                anyGroup = true;
                slowest = Math.min(slowest, committed);
            }
        }
        long from = anyGroup ? Math.max(slowest, logStartOffset) : logStartOffset;
        return Math.max(0, logEndOffset - from);
    }

    /**
     * One group at one moment.
     *
     * @param groupId   the group's name
     * @param state     {@code EMPTY} (no live members), {@code RECONCILING} (a hand-off is in progress) or
     *                  {@code STABLE}
     * @param members   live members
     * @param committed latest committed offset per partition: the next offset the group will read
     */
    record GroupSnapshot(String groupId, String state, int members, Map<TopicPartition, Long> committed) {
    }
}
