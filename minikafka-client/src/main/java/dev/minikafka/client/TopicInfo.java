package dev.minikafka.client;

import java.time.Instant;
import java.util.List;

/** A topic as the broker describes it, with its effective configuration. */
public record TopicInfo(String name, long retentionMs, long retentionBytes, long segmentBytes, long segmentMs,
                        int maxMessageBytes, boolean logAppendTime, Instant createdAt, List<PartitionInfo> partitions) {

    public int partitionCount() {
        return partitions.size();
    }

    /** Records currently held, summed over partitions. */
    public long recordCount() {
        return partitions.stream().mapToLong(p -> p.logEndOffset() - p.logStartOffset()).sum();
    }
}
