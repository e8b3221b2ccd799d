package dev.minikafka.broker.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.broker.log.DiskFullInjector;
import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.client.Acks;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.RecordMetadata;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.protocol.Header;
import dev.minikafka.protocol.RecordBatch;
import dev.minikafka.protocol.RecordBatchBuilder;
import dev.minikafka.proto.v1.ErrorCode;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * The disk fills while the broker recovers its logs after a crash, and while it writes the recovery-point
 * checkpoint and the producer-state snapshots. A partition whose recovery failed is never marked clean (the
 * next start would trust its half-recovered files and every partition not yet recovered), the failure names
 * the partition, and once space returns the broker recovers everything.
 */
@Timeout(value = 360, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DiskFullRecoveryTest {

    private static final String TOPIC = "ledger";
    private static final String MARKER = ".clean-shutdown";
    private static final String CHECKPOINT = "recovery-point-offset-checkpoint";
    private static final int RECORDS = 150;

    @TempDir
    Path dataDir;

    @AfterEach
    void uninstall() {
        DiskFullInjector.uninstall();
    }

    /**
     * Partition 0's recovery rebuilds its offset index (no checkpoint: every segment is rescanned) and cuts a
     * torn batch, then cannot write the index back. Partition 1 holds a batch whose header looks whole but
     * whose CRC fails: partitions open in parallel, so the failed start may or may not have recovered it, but
     * had it not and had a clean-shutdown marker been wrongly written, the next start would trust and serve it.
     */
    @Test
    void aPartitionWhoseRecoveryHitsAFullDiskIsNamedNeverMarkedCleanAndRecoveredOnceSpaceReturns() throws Exception {
        ConfigurableApplicationContext broker = BrokerRunner.start(dataDir);
        try {
            int port = BrokerRunner.grpcPort(broker);
            try (MiniKafkaAdmin admin = new MiniKafkaAdmin("127.0.0.1:" + port)) {
                admin.createTopic(TOPIC, 2);
            }
            // One record per request, so each is its own batch and the log is long enough for index entries.
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                for (int i = 0; i < RECORDS; i++) {
                    for (int p = 0; p < 2; p++) {
                        assertThat(RawProduce.once(channel, TOPIC, p, Long.toString(i), dev.minikafka.proto.v1.Acks.ACKS_LEADER)
                                .getErrorCode()).isEqualTo(ErrorCode.NONE);
                    }
                }
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            broker.close();
        }
        // A crash after the last checkpoint's loss: no marker, no recovery points, a torn batch on each partition.
        Files.delete(dataDir.resolve(MARKER));
        Files.delete(dataDir.resolve(CHECKPOINT));
        Path segment0 = segment(0);
        Path segment1 = segment(1);
        long size0 = Files.size(segment0);
        long size1 = Files.size(segment1);
        appendCorruptBatch(segment0);
        appendCorruptBatch(segment1);
        long corruptSize1 = Files.size(segment1);
        long index0 = Files.size(segment0.resolveSibling("00000000000000000000.index"));
        assertThat(index0).as("the log is long enough to have index entries to rebuild").isPositive();

        DiskFullInjector.install();
        DiskFullInjector.fill(dataDir.resolve(TOPIC + "-0"));
        assertThatThrownBy(() -> BrokerRunner.start(dataDir).close())
                .as("the broker refuses to start, naming the partition and what the disk said")
                .satisfies(e -> assertThat(messages(e)).contains("partition " + TOPIC + "-0", "No space left on device"));
        assertThat(DiskFullInjector.failedWrites()).as("recovery did hit the full disk").isPositive();
        assertThat(dataDir.resolve(MARKER)).as("a failed recovery is not a clean shutdown").doesNotExist();
        assertThat(Files.size(segment1)).as("partition 1: left as it was, or recovered beside partition 0")
                .isIn(size1, corruptSize1);

        DiskFullInjector.free(dataDir.resolve(TOPIC + "-0"));
        broker = BrokerRunner.start(dataDir);
        try {
            String bootstrap = "127.0.0.1:" + BrokerRunner.grpcPort(broker);
            assertThat(Files.size(segment0)).as("partition 0's torn batch cut").isEqualTo(size0);
            assertThat(Files.size(segment1)).as("partition 1's corrupt batch cut, not trusted").isEqualTo(size1);
            try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap);
                 MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).acks(Acks.DURABLE)
                         .deliveryTimeout(Duration.ofSeconds(30)).build())) {
                for (int p = 0; p < 2; p++) {
                    TopicPartition partition = new TopicPartition(TOPIC, p);
                    assertThat(admin.latestOffset(partition)).isEqualTo(RECORDS);
                    assertThat(Numbered.readFromStart(bootstrap, partition, RECORDS)).extracting(Numbered::number)
                            .containsExactlyElementsOf(range(RECORDS));
                    RecordMetadata appended = producer.send(new dev.minikafka.client.ProducerRecord(TOPIC, p, null, null,
                            Long.toString(RECORDS).getBytes(StandardCharsets.UTF_8), List.of())).get(30, TimeUnit.SECONDS);
                    assertThat(appended.offset()).isEqualTo(RECORDS);
                }
            }
        } finally {
            broker.close();
        }
        assertThat(dataDir.resolve(MARKER)).exists();
    }

    /**
     * The disk is full only for the recovery-point checkpoint's and the producer-state snapshot's temporary
     * files: appends go on; the old checkpoint and snapshot stay whole; a shutdown that could not write them
     * is not clean; the next start recovers everything.
     */
    @Test
    void checkpointAndSnapshotWritesOnAFullDiskLeaveTheOldFilesWholeAndTheShutdownUnclean() throws Exception {
        DiskFullInjector.install();
        ConfigurableApplicationContext broker = BrokerRunner.start(dataDir);
        Path checkpointTemp = dataDir.resolve(CHECKPOINT + ".tmp");
        Path snapshotTemp = dataDir.resolve(TOPIC + "-0").resolve("producer-state.snapshot.tmp");
        try {
            String bootstrap = "127.0.0.1:" + BrokerRunner.grpcPort(broker);
            try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap);
                 MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).acks(Acks.DURABLE)
                         .deliveryTimeout(Duration.ofSeconds(30)).build())) {
                admin.createTopic(TOPIC, 1);
                for (int i = 0; i < RECORDS / 2; i++) {
                    producer.send(Numbered.record(TOPIC, i)).get(30, TimeUnit.SECONDS);
                }
                DiskFullInjector.fill(checkpointTemp);
                DiskFullInjector.fill(snapshotTemp);
                for (int i = RECORDS / 2; i < RECORDS; i++) {
                    assertThat(producer.send(Numbered.record(TOPIC, i)).get(30, TimeUnit.SECONDS).offset()).isEqualTo(i);
                }
            }
        } finally {
            broker.close();
        }
        assertThat(DiskFullInjector.failedWrites()).as("the snapshot and checkpoint writes went through the seam and failed")
                .isPositive();
        assertThat(dataDir.resolve(MARKER)).as("a shutdown that could not save its state is not clean").doesNotExist();
        assertThat(checkpointTemp).as("no half-written temporary left behind").doesNotExist();
        assertThat(snapshotTemp).doesNotExist();

        DiskFullInjector.uninstall();
        broker = BrokerRunner.start(dataDir);
        try {
            String bootstrap = "127.0.0.1:" + BrokerRunner.grpcPort(broker);
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            assertThat(Numbered.readFromStart(bootstrap, partition, RECORDS)).extracting(Numbered::number)
                    .containsExactlyElementsOf(range(RECORDS));
            try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).acks(Acks.DURABLE)
                    .deliveryTimeout(Duration.ofSeconds(30)).build())) {
                assertThat(producer.send(Numbered.record(TOPIC, RECORDS)).get(30, TimeUnit.SECONDS).offset()).isEqualTo(RECORDS);
            }
        } finally {
            broker.close();
        }
        assertThat(dataDir.resolve(MARKER)).as("space returned: this shutdown is clean").exists();
        assertThat(Files.readString(dataDir.resolve(CHECKPOINT))).contains(TOPIC + " 0 " + (RECORDS + 1) + " ");
    }

    private Path segment(int partition) {
        return dataDir.resolve(TOPIC + "-" + partition).resolve("00000000000000000000.log");
    }

    /**
     * Appends a batch at the next offset whose header is whole but whose last byte is flipped, so its CRC
     * fails: what a power cut leaves when a batch's first page reached the disk and its last did not.
     */
    private static void appendCorruptBatch(Path segment) throws Exception {
        RecordBatchBuilder builder = new RecordBatchBuilder(256);
        builder.append(System.currentTimeMillis(), null, Long.toString(RECORDS).getBytes(StandardCharsets.UTF_8),
                List.<Header>of());
        ByteBuffer built = builder.build();
        ByteBuffer batch = ByteBuffer.allocate(built.remaining()).put(built.duplicate()).flip();
        RecordBatch.setBaseOffset(batch, batch.position(), RECORDS);
        int last = batch.limit() - 1;
        batch.put(last, (byte) ~batch.get(last));
        try (FileChannel file = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            while (batch.hasRemaining()) {
                file.write(batch);
            }
        }
    }

    private static String messages(Throwable error) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }

    private static List<Long> range(long count) {
        return LongStream.range(0, count).boxed().toList();
    }
}
