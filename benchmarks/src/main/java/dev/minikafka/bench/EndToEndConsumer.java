package dev.minikafka.bench;

import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.TopicPartition;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The end-to-end run's reader: positioned at the end of every partition before the producer starts, it
 * records now − stamp for each of this run's records sent at or after the time given to {@link #measureFrom},
 * and enters every record of the run in the {@link DeliveryLedger}. A duplicate is neither counted nor timed.
 */
final class EndToEndConsumer implements Runnable {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);

    private final ConsumerConfig config;
    private final Collection<TopicPartition> partitions;
    private final long runId;
    private volatile long measureFromNanos;
    private final LatencyRecorder latencies;
    private final DeliveryLedger ledger;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final LongAdder received = new LongAdder();
    private final LongAdder measured = new LongAdder();
    private final LongAdder foreign = new LongAdder();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopped;

    EndToEndConsumer(ConsumerConfig config, Collection<TopicPartition> partitions, long runId, LatencyRecorder latencies,
                     DeliveryLedger ledger) {
        this.config = config;
        this.partitions = partitions;
        this.runId = runId;
        this.latencies = latencies;
        this.ledger = ledger;
    }

    @Override
    public void run() {
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(config)) {
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            for (TopicPartition tp : partitions) {
                consumer.position(tp); // resolve "end" now, before the producer writes anything
            }
            ready.countDown();
            while (!stopped && !Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord record : consumer.poll(POLL_TIMEOUT)) {
                    long now = System.nanoTime();
                    byte[] value = record.value();
                    if (!Stamp.isFromRun(value, runId)) {
                        foreign.increment();
                        continue;
                    }
                    if (!ledger.received(Stamp.sequence(value))) {
                        continue;
                    }
                    received.increment();
                    long sent = Stamp.sentNanos(value);
                    if (sent - measureFromNanos >= 0) {
                        latencies.recordNanos(now - sent);
                        measured.increment();
                    }
                }
            }
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        } finally {
            ready.countDown();
        }
    }

    /**
     * Records sent from {@code nanos} on are measured, those before are the warm-up. Called once the reader is
     * ready and before the producer starts, so the warm-up is the producer's own first seconds.
     */
    void measureFrom(long nanos) {
        measureFromNanos = nanos;
    }

    CountDownLatch ready() {
        return ready;
    }

    void stop() {
        stopped = true;
    }

    long received() {
        return received.sum();
    }

    long measured() {
        return measured.sum();
    }

    long foreign() {
        return foreign.sum();
    }

    Throwable failure() {
        return failure.get();
    }
}
