package dev.minikafka.bench;

import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.MiniKafkaConsumer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * One member of a consumer group: subscribes to the topic, lets the broker assign its share of partitions
 * and auto-commits as it goes, until the members together have read the target.
 */
final class GroupConsumeWorker implements Runnable {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final ConsumerConfig config;
    private final String topic;
    private final String group;
    private final long target;
    private final long[] endByPartition;
    private final AtomicLong consumed;
    private final LongAdder bytes;
    private final long deadlineNanos;
    private final AtomicReference<Throwable> failure;

    /**
     * @param target         records the members read together
     * @param endByPartition when not null, only records below these end offsets (by partition number) count:
     *                       the target is then what the topic held at the start
     */
    GroupConsumeWorker(ConsumerConfig config, String topic, String group, long target, long[] endByPartition,
                       AtomicLong consumed, LongAdder bytes, long deadlineNanos, AtomicReference<Throwable> failure) {
        this.config = config;
        this.topic = topic;
        this.group = group;
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
            consumer.subscribe(List.of(topic), group);
            while (consumed.get() < target) {
                if (System.nanoTime() - deadlineNanos > 0 || Thread.currentThread().isInterrupted()) {
                    return;
                }
                ConsumeWorker.tally(consumer.poll(POLL_TIMEOUT), endByPartition, consumed, bytes);
            }
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Whether the members together read the target (rather than stopping at the deadline or a failure). */
    boolean completed() {
        return consumed.get() >= target;
    }
}
