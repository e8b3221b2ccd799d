package dev.minikafka.broker.metrics;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Component;

import dev.minikafka.broker.log.PartitionLog;
import dev.minikafka.broker.log.PartitionWriter;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.protocol.RecordBatch;
import dev.minikafka.proto.v1.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The broker's Micrometer meters, and where the produce and fetch paths report to them. Per-partition
 * meters are created once per partition and cached in arrays, so recording is a map lookup by topic name,
 * an array index and a few {@code LongAdder} additions per request: nothing per record, no lock.
 * Group meters (lag, members) are refreshed by the {@link MetricsSnapshotter}.
 */
@Component
public class BrokerMetrics {

    private final MeterRegistry registry;
    private final GroupsSource groups;
    private final Timer enqueueLatency;
    private final IntervalLatency intervalLatency = new IntervalLatency();
    private final AtomicInteger activeProducers = new AtomicInteger();
    private final AtomicInteger activeSubscriptions = new AtomicInteger();
    private final AtomicInteger activeFetches = new AtomicInteger();
    private final Counter producerBlocked;
    private final Map<String, PartitionMeters[]> partitions = new ConcurrentHashMap<>();

    BrokerMetrics(MeterRegistry registry, GroupsSource groups) {
        this.registry = registry;
        this.groups = groups;
        this.enqueueLatency = Timer.builder("minikafka.produce.enqueue.latency")
                .description("From a produce request's arrival to its ack (page cache or fsync, per ack mode)")
                .publishPercentiles(0.5, 0.95, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1).dividedBy(100))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        this.producerBlocked = Counter.builder("minikafka.produce.backpressure")
                .description("Produce requests that waited for room in a partition's pending-append queue")
                .register(registry);
        Gauge.builder("minikafka.producers.active", activeProducers, AtomicInteger::get)
                .description("Open produce streams").register(registry);
        Gauge.builder("minikafka.subscriptions.active", activeSubscriptions, AtomicInteger::get)
                .description("Open Subscribe streams").register(registry);
        Gauge.builder("minikafka.fetches.active", activeFetches, AtomicInteger::get)
                .description("Fetch calls in progress, waiting long polls included").register(registry);
        Gauge.builder("minikafka.consumers.active", this, BrokerMetrics::activeConsumers)
                .description("Open subscriptions plus fetches in progress").register(registry);
    }

    public void producerConnected() {
        activeProducers.incrementAndGet();
    }

    public void producerDisconnected() {
        activeProducers.decrementAndGet();
    }

    public void subscriptionOpened() {
        activeSubscriptions.incrementAndGet();
    }

    public void subscriptionClosed() {
        activeSubscriptions.decrementAndGet();
    }

    public void fetchStarted() {
        activeFetches.incrementAndGet();
    }

    public void fetchFinished() {
        activeFetches.decrementAndGet();
    }

    public void producerBlocked() {
        producerBlocked.increment();
    }

    public void produceRejected(ErrorCode code) {
        registry.counter("minikafka.produce.rejected", "error", code.name()).increment();
    }

    /**
     * An append finished (acked or failed). {@code batches} are the request's bytes from index 0 to the
     * limit, offsets assigned; the log's write has moved the buffer's position, so it is not used.
     */
    public void recordAppend(String topic, int partition, ByteBuffer batches, long arrivalNanos, boolean success) {
        if (!success) {
            registry.counter("minikafka.produce.failed", "topic", topic).increment();
            return;
        }
        long latency = System.nanoTime() - arrivalNanos;
        enqueueLatency.record(latency, TimeUnit.NANOSECONDS);
        intervalLatency.record(latency);
        PartitionMeters meters = meters(topic, partition);
        if (meters != null) {
            meters.producedRecords.add(RecordBatch.countRecords(batches, 0, batches.limit()));
            meters.producedBytes.add(batches.limit());
        }
    }

    /** Whole batches, from the buffer's position to its limit, were handed to a consumer. */
    public void recordConsumed(String topic, int partition, ByteBuffer batches) {
        PartitionMeters meters = meters(topic, partition);
        if (meters != null && batches.hasRemaining()) {
            meters.consumedRecords.add(RecordBatch.countRecords(batches, batches.position(), batches.limit()));
            meters.consumedBytes.add(batches.remaining());
        }
    }

    /** Registers meters for a topic's partitions; called when a topic is opened or created. */
    public void topicOpened(String topic, PartitionWriter[] writers) {
        PartitionMeters[] meters = new PartitionMeters[writers.length];
        for (int p = 0; p < writers.length; p++) {
            meters[p] = new PartitionMeters(registry, new TopicPartition(topic, p), writers[p], groups);
        }
        PartitionMeters[] replaced = partitions.put(topic, meters);
        if (replaced != null) {
            remove(replaced);
        }
    }

    public void topicDeleted(String topic) {
        PartitionMeters[] meters = partitions.remove(topic);
        if (meters != null) {
            remove(meters);
        }
    }

    /** Every partition's counters and offsets now, sorted by topic and partition. */
    List<PartitionReading> readPartitions() {
        List<PartitionReading> readings = new ArrayList<>();
        for (PartitionMeters[] topic : new TreeMap<>(partitions).values()) {
            for (PartitionMeters m : topic) {
                PartitionLog log = m.log();
                readings.add(new PartitionReading(m.partition, m.producedRecords.sum(), m.producedBytes.sum(),
                        m.consumedRecords.sum(), m.consumedBytes.sum(), log.logStartOffset(), log.logEndOffset(),
                        m.pendingBytes(), m.pendingAppends()));
            }
        }
        return readings;
    }

    IntervalLatency intervalLatency() {
        return intervalLatency;
    }

    int activeProducers() {
        return activeProducers.get();
    }

    int activeConsumers() {
        return activeSubscriptions.get() + activeFetches.get();
    }

    private PartitionMeters meters(String topic, int partition) {
        PartitionMeters[] meters = partitions.get(topic);
        return meters == null || partition < 0 || partition >= meters.length ? null : meters[partition];
    }

    private void remove(PartitionMeters[] meters) {
        for (PartitionMeters m : meters) {
            m.remove(registry);
        }
    }

}
