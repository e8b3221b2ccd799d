package dev.minikafka.binder;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.TopicPartition;

/**
 * What one consumer may commit: per partition, the offset after the last record that is done with (processed,
 * recovered, or acknowledged), and what was committed last, so that only moved offsets are sent.
 *
 * <p>Thread-safety: owned by the consumer's thread, except {@link #acknowledged}, which any thread may call
 * (a manual acknowledgement); those are queued and folded in by {@link #toCommit}.
 */
final class OffsetTracker {

    private final String topic;
    private final Map<TopicPartition, Long> done = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final ConcurrentLinkedQueue<long[]> acknowledged = new ConcurrentLinkedQueue<>();

    OffsetTracker(String topic) {
        this.topic = topic;
    }

    /** These records are done with; a commit may move past them. */
    void processed(List<ConsumerRecord> records) {
        records.forEach(r -> done.merge(r.topicPartition(), r.offset() + 1, Math::max));
    }

    /** From any thread: the application acknowledged these records. */
    void acknowledged(List<ConsumerRecord> records) {
        records.forEach(r -> acknowledged.add(new long[] {r.partition(), r.offset() + 1}));
    }

    /** The offsets of {@code partitions} that moved since they were last committed. */
    Map<TopicPartition, Long> toCommit(Collection<TopicPartition> partitions) {
        long[] ack;
        while ((ack = acknowledged.poll()) != null) {
            done.merge(new TopicPartition(topic, (int) ack[0]), ack[1], Math::max);
        }
        Map<TopicPartition, Long> moved = new HashMap<>();
        done.forEach((tp, offset) -> {
            if (partitions.contains(tp) && !offset.equals(committed.get(tp))) {
                moved.put(tp, offset);
            }
        });
        return moved;
    }

    void committed(Map<TopicPartition, Long> offsets) {
        committed.putAll(offsets);
    }

    /** These partitions are no longer ours: whatever is not committed for them is the next owner's to redo. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> {
            done.remove(tp);
            committed.remove(tp);
        });
    }

    void clear() {
        done.clear();
        committed.clear();
    }
}
