package dev.minikafka.broker.metrics;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Component;

import dev.minikafka.protocol.RecordBatch;
import dev.minikafka.proto.v1.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The broker's Micrometer meters. Per-partition meters are created once per partition and cached in
 * arrays, so recording on the produce and fetch paths is a map lookup by topic name and an array index.
 */
@Component
public class BrokerMetrics {

    private final MeterRegistry registry;
    private final Timer enqueueLatency;
    private final AtomicInteger activeProducers = new AtomicInteger();
    private final AtomicInteger activeSubscriptions = new AtomicInteger();
    private final Counter producerBlocked;
    private final Map<String, PartitionMeters[]> partitions = new ConcurrentHashMap<>();

    public BrokerMetrics(MeterRegistry registry) {
        this.registry = registry;
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
        registry.gauge("minikafka.producers.active", activeProducers);
        registry.gauge("minikafka.subscriptions.active", activeSubscriptions);
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

    public void producerBlocked() {
        producerBlocked.increment();
    }

    public void produceRejected(ErrorCode code) {
        registry.counter("minikafka.produce.rejected", "error", code.name()).increment();
    }

    /** An append finished (acked or failed); batches are the request's bytes with offsets assigned. */
    public void recordAppend(String topic, int partition, ByteBuffer batches, long arrivalNanos, boolean success) {
        if (!success) {
            registry.counter("minikafka.produce.failed", "topic", topic).increment();
            return;
        }
        enqueueLatency.record(System.nanoTime() - arrivalNanos, TimeUnit.NANOSECONDS);
        PartitionMeters meters = meters(topic, partition);
        if (meters != null) {
            meters.producedRecords.increment(countRecords(batches));
            meters.producedBytes.increment(batches.limit());
        }
    }

    public void recordFetch(String topic, int partition, ByteBuffer batches) {
        PartitionMeters meters = meters(topic, partition);
        if (meters != null && batches.remaining() > 0) {
            meters.fetchedBytes.increment(batches.remaining());
        }
    }

    /** Registers meters for a topic's partitions; called when a topic is opened or created. */
    public void topicOpened(String topic, int partitionCount) {
        PartitionMeters[] meters = new PartitionMeters[partitionCount];
        for (int p = 0; p < partitionCount; p++) {
            meters[p] = new PartitionMeters(registry, topic, p);
        }
        partitions.put(topic, meters);
    }

    public void topicDeleted(String topic) {
        PartitionMeters[] meters = partitions.remove(topic);
        if (meters != null) {
            for (PartitionMeters m : meters) {
                m.remove(registry);
            }
        }
    }

    private PartitionMeters meters(String topic, int partition) {
        PartitionMeters[] meters = partitions.get(topic);
        return meters == null || partition >= meters.length ? null : meters[partition];
    }

    private static long countRecords(ByteBuffer batches) {
        long records = 0;
        int pos = batches.position();
        int limit = batches.limit();
        while (pos < limit) {
            records += RecordBatch.recordCount(batches, pos);
            pos += RecordBatch.sizeInBytes(batches, pos);
        }
        return records;
    }

    private static final class PartitionMeters {
        final Counter producedRecords;
        final Counter producedBytes;
        final Counter fetchedBytes;

        PartitionMeters(MeterRegistry registry, String topic, int partition) {
            String p = Integer.toString(partition);
            producedRecords = Counter.builder("minikafka.produced.records").tags("topic", topic, "partition", p)
                    .description("Records appended").register(registry);
            producedBytes = Counter.builder("minikafka.produced.bytes").tags("topic", topic, "partition", p)
                    .description("Bytes appended").baseUnit("bytes").register(registry);
            fetchedBytes = Counter.builder("minikafka.fetched.bytes").tags("topic", topic, "partition", p)
                    .description("Bytes served to consumers").baseUnit("bytes").register(registry);
        }

        void remove(MeterRegistry registry) {
            registry.remove(producedRecords);
            registry.remove(producedBytes);
            registry.remove(fetchedBytes);
        }
    }
}
