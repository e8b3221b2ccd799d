package dev.minikafka.binder;

import java.util.Arrays;
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
 * <p>One consumer reads one topic, so both are arrays indexed by partition number ({@link #NONE} where there is
 * nothing): marking a record done allocates nothing, which matters as it happens once per record. Maps are
 * built only when offsets are committed.
 *
 * <p>"Committed" means sent: a commit without waiting counts as committed when it leaves, so that the next
 * one does not send it again, and {@link #commitFailed} takes it back if the broker refuses it.
 *
 * <p>Thread-safety: owned by the consumer's thread, except {@link #acknowledged} (a manual acknowledgement) and
 * {@link #commitFailed} (the answer to a commit without waiting), which any thread may call; those are queued
 * and folded in by {@link #toCommit}.
 */
final class OffsetTracker {

    private static final long NONE = -1;

    private final String topic;
    private long[] done = new long[0];
    private long[] committed = new long[0];
    private final ConcurrentLinkedQueue<long[]> acknowledged = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<long[]> failed = new ConcurrentLinkedQueue<>();

    OffsetTracker(String topic) {
        this.topic = topic;
    }

    /** This record is done with; a commit may move past it. */
    void processed(ConsumerRecord record) {
        advance(record.partition(), record.offset() + 1);
    }

    /** These records are done with; a commit may move past them. */
    void processed(List<ConsumerRecord> records) {
        for (int i = 0, n = records.size(); i < n; i++) {
            processed(records.get(i));
        }
    }

    /** From any thread: the application acknowledged these records. */
    void acknowledged(List<ConsumerRecord> records) {
        records.forEach(r -> acknowledged.add(new long[] {r.partition(), r.offset() + 1}));
    }

    /** From any thread: the broker refused this commit without waiting; offer its offsets again. */
    void commitFailed(Map<TopicPartition, Long> offsets) {
        offsets.forEach((tp, offset) -> {
            if (tp.topic().equals(topic)) {
                failed.add(new long[] {tp.partition(), offset});
            }
        });
    }

    /** The offsets of {@code partitions} that moved since they were last committed, or whose commit was refused. */
    Map<TopicPartition, Long> toCommit(Collection<TopicPartition> partitions) {
        long[] ack;
        while ((ack = acknowledged.poll()) != null) {
            advance((int) ack[0], ack[1]);
        }
        long[] refused;
        while ((refused = failed.poll()) != null) {
            int p = (int) refused[0];
            if (p < committed.length && committed[p] == refused[1]) { // else a later commit already covers it
                committed[p] = NONE;
            }
        }
        Map<TopicPartition, Long> moved = new HashMap<>();
        for (TopicPartition tp : partitions) {
            int p = tp.partition();
            if (tp.topic().equals(topic) && p < done.length && done[p] != NONE && done[p] != committed[p]) {
                moved.put(tp, done[p]);
            }
        }
        return moved;
    }

    void committed(Map<TopicPartition, Long> offsets) {
        offsets.forEach((tp, offset) -> {
            if (tp.topic().equals(topic) && tp.partition() < committed.length) {
                committed[tp.partition()] = offset;
            }
        });
    }

    /** These partitions are no longer ours: whatever is not committed for them is the next owner's to redo. */
    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            if (tp.topic().equals(topic) && tp.partition() < done.length) {
                done[tp.partition()] = NONE;
                committed[tp.partition()] = NONE;
            }
        }
    }

    void clear() {
        Arrays.fill(done, NONE);
        Arrays.fill(committed, NONE);
    }

    private void advance(int partition, long next) {
        if (partition >= done.length) {
            int length = Math.max(partition + 1, done.length * 2);
            int from = done.length;
            done = Arrays.copyOf(done, length);
            committed = Arrays.copyOf(committed, length);
            Arrays.fill(done, from, length, NONE);
            Arrays.fill(committed, from, length, NONE);
        }
        if (next > done[partition]) {
            done[partition] = next;
        }
    }
}
