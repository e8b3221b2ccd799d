package dev.minikafka.bench;

import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.TopicPartition;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * One consumer thread: its own consumer over its share of the partitions, read from the beginning until the
 * shared record target is met, or, with no target, until each of its partitions reaches the end offset it
 * had when the run started; records written after the start are then not counted.
 */
final class ConsumeWorker implements Runnable {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final ConsumerConfig config;
    private final Map<TopicPartition, Long> endOffsets;
    private final long target;
    private final long[] endByPartition;
    private final AtomicLong consumed;
    private final LongAdder bytes;
    private final long deadlineNanos;
    private final AtomicReference<Throwable> failure;
    private volatile boolean completed;

    /**
     * @param endOffsets     this worker's partitions and the offsets to read up to (used when target is 0)
     * @param target         records to read over all workers; 0 = read up to the end offsets
     * @param endByPartition every partition's end offset at the start, by partition number (used when target is 0)
     */
    ConsumeWorker(ConsumerConfig config, Map<TopicPartition, Long> endOffsets, long target, long[] endByPartition,
                  AtomicLong consumed, LongAdder bytes, long deadlineNanos, AtomicReference<Throwable> failure) {
        this.config = config;
        this.endOffsets = endOffsets;
        this.target = target;
        this.endByPartition = endByPartition;
        this.consumed = consumed;
        this.bytes = bytes;
        this.deadlineNanos = deadlineNanos;
        this.failure = failure;
    }

    @Override
    public void run() {
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(config)) {
            consumer.assign(endOffsets.keySet());
            consumer.seekToBeginning(endOffsets.keySet());
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : endOffsets.keySet()) {
                if (consumer.position(tp) < endOffsets.get(tp)) {
                    remaining.put(tp, endOffsets.get(tp));
                }
            }
            while (!done(remaining)) {
                if (System.nanoTime() - deadlineNanos > 0 || Thread.currentThread().isInterrupted()) {
                    return;
                }
                List<ConsumerRecord> records = consumer.poll(POLL_TIMEOUT);
                tally(records, target == 0 ? endByPartition : null, consumed, bytes);
                if (target == 0 && !records.isEmpty()) {
                    remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                }
            }
            completed = true;
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Whether this worker reached its goal (rather than the deadline or a failure). */
    boolean completed() {
        return completed;
    }

    private boolean done(Map<TopicPartition, Long> remaining) {
        return target > 0 ? consumed.get() >= target : remaining.isEmpty();
    }

    /**
     * Adds a poll's records and their key and value bytes to the run's counters; with {@code endByPartition}
     * (end offsets at the start, by partition number), only the records below them.
     */
    static void tally(List<ConsumerRecord> records, long[] endByPartition, AtomicLong consumed, LongAdder bytes) {
        long size = 0;
        long count = 0;
        for (ConsumerRecord record : records) {
            // Only what the topic held at the start; a partition added since then held nothing.
            if (endByPartition == null
                    || record.partition() < endByPartition.length && record.offset() < endByPartition[record.partition()]) {
                size += length(record.key()) + length(record.value());
                count++;
            }
        }
        bytes.add(size);
        consumed.addAndGet(count);
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
