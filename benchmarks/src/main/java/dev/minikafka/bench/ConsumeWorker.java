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
 * had when the run started.
 */
final class ConsumeWorker implements Runnable {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final ConsumerConfig config;
    private final Map<TopicPartition, Long> endOffsets;
    private final long target;
    private final AtomicLong consumed;
    private final LongAdder bytes;
    private final long deadlineNanos;
    private final AtomicReference<Throwable> failure;
    private volatile boolean completed;

    /**
     * @param endOffsets this worker's partitions and the offsets to read up to (used when target is 0)
     * @param target     records to read over all workers; 0 = read up to the end offsets
     */
    ConsumeWorker(ConsumerConfig config, Map<TopicPartition, Long> endOffsets, long target, AtomicLong consumed,
                  LongAdder bytes, long deadlineNanos, AtomicReference<Throwable> failure) {
        this.config = config;
        this.endOffsets = endOffsets;
        this.target = target;
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
                tally(records, consumed, bytes);
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

    /** Adds a poll's records and their key and value bytes to the run's counters. */
    static void tally(List<ConsumerRecord> records, AtomicLong consumed, LongAdder bytes) {
        long size = 0;
        for (ConsumerRecord record : records) {
            size += length(record.key()) + length(record.value());
        }
        bytes.add(size);
        consumed.addAndGet(records.size());
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
