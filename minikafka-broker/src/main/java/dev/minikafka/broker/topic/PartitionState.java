package dev.minikafka.broker.topic;

/**
 * One partition at one moment, as the admin APIs (gRPC and REST) describe it. The fields are read one after
 * another from a live log, so they are each current but not a consistent snapshot of each other.
 *
 * @param logStartOffset     first offset still retained
 * @param logEndOffset       the offset the next appended record will get
 * @param sizeBytes          bytes of all its segments
 * @param segmentCount       segments on disk, the active one included
 * @param pendingAppendBytes bytes queued for the partition's writer and not yet written
 */
public record PartitionState(
        int partition,
        long logStartOffset,
        long logEndOffset,
        long sizeBytes,
        int segmentCount,
        long pendingAppendBytes) {
}
