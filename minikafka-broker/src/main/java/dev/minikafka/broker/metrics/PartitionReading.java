package dev.minikafka.broker.metrics;

import dev.minikafka.client.TopicPartition;

/**
 * One partition's counters and offsets read at one moment: the input of a snapshot. Counters are totals
 * since the partition's meters were created; the calculator turns their differences into rates.
 */
record PartitionReading(TopicPartition partition, long eventsIn, long bytesIn, long eventsOut, long bytesOut,
        long logStartOffset, long logEndOffset, long pendingAppendBytes, long pendingAppends) {
}
