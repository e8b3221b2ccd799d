package dev.minikafka.broker.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

import dev.minikafka.broker.log.PartitionLog;
import dev.minikafka.broker.log.PartitionWriter;
import dev.minikafka.client.TopicPartition;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;

/**
 * The meters of one partition. Producers and consumers add to {@link LongAdder}s (no lock, no allocation);
 * Micrometer reads them as function counters, and the snapshotter reads the same sums for its rates.
 * Gauges read the partition's writer and log when scraped.
 */
final class PartitionMeters {

    final TopicPartition partition;
    final LongAdder producedRecords = new LongAdder();
    final LongAdder producedBytes = new LongAdder();
    final LongAdder consumedRecords = new LongAdder();
    final LongAdder consumedBytes = new LongAdder();
    private final PartitionWriter writer;
    private final GroupsSource groups;
    private final List<Meter> meters = new ArrayList<>();

    PartitionMeters(MeterRegistry registry, TopicPartition partition, PartitionWriter writer, GroupsSource groups) {
        this.partition = partition;
        this.writer = writer;
        this.groups = groups;
        Tags tags = Tags.of("topic", partition.topic(), "partition", Integer.toString(partition.partition()));
        counter(registry, "minikafka.produced.records", tags, producedRecords, "Records appended", null);
        counter(registry, "minikafka.produced.bytes", tags, producedBytes, "Bytes appended", BaseUnits.BYTES);
        counter(registry, "minikafka.consumed.records", tags, consumedRecords,
                "Records delivered to consumers by Fetch and Subscribe (whole batches)", null);
        counter(registry, "minikafka.consumed.bytes", tags, consumedBytes,
                "Bytes delivered to consumers by Fetch and Subscribe", BaseUnits.BYTES);
        gauge(registry, "minikafka.partition.pending.bytes", tags, PartitionWriter::pendingBytes,
                "Bytes queued for the partition's writer, not yet in the log", BaseUnits.BYTES);
        gauge(registry, "minikafka.partition.pending.appends", tags, PartitionWriter::pendingAppends,
                "Produce requests queued for the partition's writer, not yet in the log", null);
        gauge(registry, "minikafka.partition.log.start.offset", tags, w -> w.log().logStartOffset(),
                "First offset still retained", null);
        gauge(registry, "minikafka.partition.log.end.offset", tags, w -> w.log().logEndOffset(),
                "Offset the next appended record gets", null);
        gauge(registry, "minikafka.partition.queue.depth", tags, w -> queueDepth(),
                "Records appended but not yet consumed by every group reading the partition", null);
    }

    PartitionLog log() {
        return writer.log();
    }

    long pendingBytes() {
        return writer.pendingBytes();
    }

    long pendingAppends() {
        return writer.pendingAppends();
    }

    private long queueDepth() {
        PartitionLog log = writer.log();
        return groups.get().queueDepth(partition, log.logStartOffset(), log.logEndOffset());
    }

    private void counter(MeterRegistry registry, String name, Tags tags, LongAdder adder, String description,
            String unit) {
        meters.add(FunctionCounter.builder(name, adder, LongAdder::sum)
                .tags(tags).description(description).baseUnit(unit).register(registry));
    }

    private void gauge(MeterRegistry registry, String name, Tags tags,
            ToDoubleFunction<PartitionWriter> value, String description, String unit) {
        meters.add(Gauge.builder(name, writer, value)
                .tags(tags).description(description).baseUnit(unit).strongReference(true).register(registry));
    }

    void remove(MeterRegistry registry) {
        meters.forEach(registry::remove);
    }
}
