package dev.minikafka.broker.rest;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Body of {@code GET /api/v1/groups/{group}}: state, live members and per-partition offsets and lag. */
public record GroupDetails(String groupId, String state, long lag, List<Member> members, List<Partition> partitions) {

    /** @param connected false while a static member is away and its partitions wait for it */
    public record Member(String memberId, String instanceId, String clientId, int memberEpoch, Set<String> topics,
                         List<Assigned> assignment, boolean connected) {
    }

    public record Assigned(String topic, int partition) {
    }

    /**
     * A partition the group has committed on or a member owns.
     *
     * @param committedOffset null when the group has not committed here yet
     * @param lag             log end offset minus the committed offset; null without a commit
     * @param owner           the member reading it now, or null
     */
    public record Partition(String topic, int partition, Long committedOffset, long logEndOffset, Long lag,
                            String metadata, Instant committedAt, String owner) {
    }
}
