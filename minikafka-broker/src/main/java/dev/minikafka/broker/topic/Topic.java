package dev.minikafka.broker.topic;

import java.time.Instant;

import dev.minikafka.broker.log.PartitionLog;
import dev.minikafka.broker.log.PartitionWriter;

/**
 * A live topic: its metadata and, per partition index, the log readers use, the writer producers use and
 * the waiters that the writer wakes when it appends.
 * Immutable; the registry swaps whole instances, so a reader holding one sees a consistent view.
 */
public record Topic(
        String name,
        TopicConfig config,
        Instant createdAt,
        PartitionLog[] logs,
        PartitionWriter[] writers,
        DataWaiters[] waiters) {

    public int partitionCount() {
        return logs.length;
    }

    public boolean hasPartition(int partition) {
        return partition >= 0 && partition < logs.length;
    }

    /** Null when the topic has this partition, otherwise a sentence naming the partitions it does have. */
    public String partitionProblem(int partition) {
        if (hasPartition(partition)) {
            return null;
        }
        return "partition " + partition + " does not exist; topic '" + name + "' has partitions 0.." + (logs.length - 1);
    }

    /** The partition's offsets and sizes right now, for describe answers. */
    public PartitionState state(int partition) {
        PartitionLog log = logs[partition];
        return new PartitionState(partition, log.logStartOffset(), log.logEndOffset(), log.sizeInBytes(),
                log.segmentCount(), writers[partition].pendingBytes());
    }

    public PartitionLog log(int partition) {
        return logs[partition];
    }

    public PartitionWriter writer(int partition) {
        return writers[partition];
    }

    /** Readers waiting for this partition to grow. */
    public DataWaiters waiters(int partition) {
        return waiters[partition];
    }
}
