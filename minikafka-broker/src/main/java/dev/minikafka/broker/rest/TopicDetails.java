package dev.minikafka.broker.rest;

import java.time.Instant;
import java.util.List;

import dev.minikafka.broker.topic.TopicConfig;

/** Body of {@code GET /api/v1/topics/{topic}}: the effective config and every partition's offsets and sizes. */
public record TopicDetails(String name, Instant createdAt, TopicConfig config, List<Partition> partitions) {

    /**
     * @param queueDepth         records retained but not yet consumed by every group that reads the partition
     * @param pendingAppendBytes bytes queued for the partition's writer and not yet written
     */
    public record Partition(
            int partition,
            long logStartOffset,
            long logEndOffset,
            long sizeBytes,
            int segmentCount,
            long queueDepth,
            long pendingAppendBytes) {
    }
}
