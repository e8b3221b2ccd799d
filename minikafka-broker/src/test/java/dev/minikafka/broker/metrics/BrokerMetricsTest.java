package dev.minikafka.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.minikafka.broker.log.LogConfig;
import dev.minikafka.broker.log.LogManager;
import dev.minikafka.broker.log.PartitionWriter;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.protocol.RecordBatchBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The per-partition meters over a real partition writer: what the produce and consume paths add up. */
class BrokerMetricsTest {

    @TempDir
    Path dataDir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeGroups groups = new FakeGroups();
    private final BrokerMetrics metrics = new BrokerMetrics(registry, groups.source());
    private LogManager logs;
    private PartitionWriter writer;

    @BeforeEach
    void openLog() throws IOException {
        logs = LogManager.open(dataDir, 1, 1024 * 1024, 0, 60_000, System::currentTimeMillis);
        writer = logs.getOrCreate("orders", 0, LogConfig.defaults());
        metrics.topicOpened("orders", new PartitionWriter[] {writer});
    }

    @AfterEach
    void closeLog() throws Exception {
        logs.close();
    }

    /** Two batches (3 and 2 records) back to back, as one produce request carries them. */
    private static ByteBuffer twoBatches() {
        ByteBuffer first = batch("a", "b", "c");
        ByteBuffer second = batch("d", "e");
        ByteBuffer both = ByteBuffer.allocate(first.remaining() + second.remaining());
        both.put(first).put(second).flip();
        return both;
    }

    private static ByteBuffer batch(String... values) {
        RecordBatchBuilder builder = new RecordBatchBuilder(256);
        for (String value : values) {
            builder.append(1L, null, value.getBytes(StandardCharsets.UTF_8), List.of());
        }
        ByteBuffer built = builder.build();
        ByteBuffer copy = ByteBuffer.allocate(built.remaining());
        copy.put(built).flip();
        return copy;
    }

    private double counter(String name) {
        return registry.get(name).tags("topic", "orders", "partition", "0").functionCounter().count();
    }

    private double gauge(String name) {
        return registry.get(name).tags("topic", "orders", "partition", "0").gauge().value();
    }

    private void append(ByteBuffer batches) throws Exception {
        CompletableFuture<Long> done = new CompletableFuture<>();
        assertThat(writer.offer(batches, false, (offset, time, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
            } else {
                done.complete(offset);
            }
        })).isTrue();
        done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldCountRecordsAndBytesOfAnAppendEvenThoughTheLogWriteMovedTheBuffersPosition() throws Exception {
        ByteBuffer batches = twoBatches();
        int size = batches.limit();
        append(batches);
        assertThat(batches.position()).as("the log's write consumed the buffer").isEqualTo(size);

        metrics.recordAppend("orders", 0, batches, System.nanoTime(), true);

        assertThat(counter("minikafka.produced.records")).isEqualTo(5);
        assertThat(counter("minikafka.produced.bytes")).isEqualTo(size);
        assertThat(metrics.intervalLatency().takeInterval().count()).isEqualTo(1);
        assertThat(registry.get("minikafka.produce.enqueue.latency").timer().count()).isEqualTo(1);
    }

    @Test
    void shouldCountConsumedRecordsFromTheBuffersPositionAndIgnoreFailedAppends() {
        ByteBuffer batches = twoBatches();
        metrics.recordConsumed("orders", 0, batches);
        metrics.recordAppend("orders", 0, twoBatches(), System.nanoTime(), false);

        assertThat(counter("minikafka.consumed.records")).isEqualTo(5);
        assertThat(counter("minikafka.consumed.bytes")).isEqualTo(batches.limit());
        assertThat(counter("minikafka.produced.records")).isZero();
        assertThat(registry.get("minikafka.produce.failed").tags("topic", "orders").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldGaugeOffsetsQueueDepthAndThePendingQueueOfThePartition() throws Exception {
        append(twoBatches());
        assertThat(gauge("minikafka.partition.log.end.offset")).isEqualTo(5);
        assertThat(gauge("minikafka.partition.log.start.offset")).isZero();
        assertThat(gauge("minikafka.partition.queue.depth")).as("no group: everything retained").isEqualTo(5);
        assertThat(gauge("minikafka.partition.pending.bytes")).isZero();
        assertThat(gauge("minikafka.partition.pending.appends")).isZero();

        groups.group("billing", "STABLE", 1, Map.of(new TopicPartition("orders", 0), 3L));
        assertThat(gauge("minikafka.partition.queue.depth")).isEqualTo(2);
    }

    @Test
    void shouldReadEveryPartitionsCountersForTheSnapshot() throws Exception {
        ByteBuffer batches = twoBatches();
        append(batches);
        metrics.recordAppend("orders", 0, batches, System.nanoTime(), true);

        assertThat(metrics.readPartitions()).containsExactly(new PartitionReading(new TopicPartition("orders", 0),
                5, batches.limit(), 0, 0, 0, 5, 0, 0));
    }

    @Test
    void shouldCountOpenSubscriptionsAndFetchesAsConsumers() {
        metrics.subscriptionOpened();
        metrics.subscriptionOpened();
        metrics.fetchStarted();
        metrics.subscriptionClosed();
        assertThat(registry.get("minikafka.consumers.active").gauge().value()).isEqualTo(2);
        metrics.fetchFinished();
        assertThat(metrics.activeConsumers()).isEqualTo(1);
    }

    @Test
    void shouldRemoveAPartitionsMetersWithItsTopic() {
        metrics.topicDeleted("orders");
        assertThat(registry.find("minikafka.produced.records").tag("topic", "orders").meters()).isEmpty();
        assertThat(registry.find("minikafka.partition.queue.depth").tag("topic", "orders").meters()).isEmpty();
        assertThat(metrics.readPartitions()).isEmpty();
        metrics.recordAppend("orders", 0, twoBatches(), System.nanoTime(), true); // a late ack: ignored, no failure
    }
}
