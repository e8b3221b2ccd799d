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
 * <p>A manual acknowledgement counts only while its partition has stayed this consumer's since the record was
 * handed out: each partition has a generation that {@link #forget} and {@link #clear} move on, and an
 * acknowledgement carries the generation of its delivery. A late acknowledgement for a partition that went to
 * another member and came back would otherwise overwrite that member's newer commit with an older offset.
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
    private long[] generations = new long[0];
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

    /**
     * On the consumer's thread, as records are handed out for manual acknowledgement: what acknowledging them
     * will mean, for {@link #acknowledged(long[])}. Per record: its partition, the offset after it, and the
     * partition's generation now.
     */
    long[] acknowledgementOf(List<ConsumerRecord> records) {
        long[] acknowledgement = new long[records.size() * 3];
        for (int i = 0, n = records.size(); i < n; i++) {
            ConsumerRecord record = records.get(i);
            int p = record.partition();
            ensureCapacity(p);
            acknowledgement[3 * i] = p;
            acknowledgement[3 * i + 1] = record.offset() + 1;
            acknowledgement[3 * i + 2] = generations[p];
        }
        return acknowledgement;
    }

    /** From any thread: the application acknowledged the records of this {@link #acknowledgementOf}. */
    void acknowledged(long[] acknowledgement) {
        acknowledged.add(acknowledgement);
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
            for (int i = 0; i < ack.length; i += 3) {
                int p = (int) ack[i];
                if (ack[i + 2] == generations[p]) { // else the partition left this consumer since the delivery
                    advance(p, ack[i + 1]);
                }
            }
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
                generations[tp.partition()]++;
            }
        }
    }

    void clear() {
        Arrays.fill(done, NONE);
        Arrays.fill(committed, NONE);
        for (int p = 0; p < generations.length; p++) {
            generations[p]++;
        }
    }

    private void ensureCapacity(int partition) {
        if (partition >= done.length) {
            int length = Math.max(partition + 1, done.length * 2);
            int from = done.length;
            done = Arrays.copyOf(done, length);
            committed = Arrays.copyOf(committed, length);
            generations = Arrays.copyOf(generations, length);
            Arrays.fill(done, from, length, NONE);
            Arrays.fill(committed, from, length, NONE);
        }
    }

    private void advance(int partition, long next) {
        ensureCapacity(partition);
        if (next > done[partition]) {
            done[partition] = next;
        }
    }
}
