package dev.minikafka.client.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses the partition for records without a key: the same one until its batch fills, then another, so
 * keyless records make full batches instead of many small ones (Kafka's sticky partitioner, KIP-480).
 * Thread-safe. Internal API.
 */
public final class StickyPartitioner {

    private final ConcurrentHashMap<String, Integer> current = new ConcurrentHashMap<>();

    public int partition(String topic, int partitionCount) {
        Integer chosen = current.get(topic);
        if (chosen != null && chosen < partitionCount) {
            return chosen;
        }
        int fresh = ThreadLocalRandom.current().nextInt(partitionCount);
        Integer raced = current.putIfAbsent(topic, fresh);
        return raced != null && raced < partitionCount ? raced : fresh;
    }

    /** The batch of {@code full} filled up: move the topic's keyless records to another partition. */
    public void batchFull(String topic, int full, int partitionCount) {
        if (partitionCount < 2) {
            return;
        }
        int next = ThreadLocalRandom.current().nextInt(partitionCount - 1);
        current.replace(topic, full, next >= full ? next + 1 : next);
    }
}
