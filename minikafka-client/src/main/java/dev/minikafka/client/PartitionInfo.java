package dev.minikafka.client;

/** One partition as the broker describes it: the offsets it holds and its size on disk. */
public record PartitionInfo(int partition, long logStartOffset, long logEndOffset, long sizeBytes, int segmentCount) {
}
