package dev.minikafka.broker.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.Acks;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.ProduceResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * An fsync that fails after its writes succeeded (a writeback error, injected through the {@code LogFiles}
 * seam), as PostgreSQL's "fsyncgate" taught: Linux reports such an error once and may then mark the pages
 * clean, so a retried fsync can succeed without the bytes being on disk. The broker must fail the
 * {@code DURABLE} acks waiting on it with {@code STORAGE_ERROR}, then refuse every write to that partition
 * (never fsync it again and pretend) until it restarts, keep other partitions working, not mark the shutdown
 * clean, and after a restart recover the partition from its last recovery point and take writes again.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FsyncFailureTest {

    private static final String TOPIC = "ledger";
    private static final TopicPartition FAILING = new TopicPartition(TOPIC, 0);
    private static final TopicPartition HEALTHY = new TopicPartition(TOPIC, 1);
    private static final int ACKED = 20;

    @TempDir
    Path dataDir;

    @AfterEach
    void uninstall() {
        DiskFullInjector.uninstall();
    }

    @Test
    void aFailedFsyncTakesThePartitionOfflineForWritesUntilARestartRecoversItFromItsLastRecoveryPoint() throws Exception {
        DiskFullInjector.install();
        Path failingDir = dataDir.resolve(TOPIC + "-0").toAbsolutePath();
        ConfigurableApplicationContext broker = BrokerRunner.start(dataDir);
        long forcesAfterFailure;
        try {
            int port = BrokerRunner.grpcPort(broker);
            String bootstrap = "127.0.0.1:" + port;
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap)) {
                admin.createTopic(TOPIC, 2);
                for (int i = 0; i < ACKED; i++) {
                    assertAppended(send(channel, FAILING, i, Acks.ACKS_DURABLE), i);
                    assertAppended(send(channel, HEALTHY, i, Acks.ACKS_DURABLE), i);
                }
                assertThat(DiskFullInjector.forcesUnder(failingDir)).as("DURABLE acks fsynced the partition").isPositive();
                // Once the recovery point covers every ack, only the next write gives the partition something
                // to fsync, so that write is the one whose fsync fails, whichever flusher gets there first.
                awaitCheckpointed(TOPIC + " 0 " + ACKED + " 0 ");

                DiskFullInjector.failFsyncs(failingDir);
                ProduceResponse failed = send(channel, FAILING, ACKED, Acks.ACKS_DURABLE);
                assertThat(failed.getErrorCode()).as(failed.toString()).isEqualTo(ErrorCode.STORAGE_ERROR);
                assertThat(failed.getErrorMessage()).contains("partition " + TOPIC + "-0", "fsync", "Input/output error",
                        "until the broker restarts");
                assertThat(failed.getBaseOffset()).isEqualTo(-1);

                // The disk would now fsync again and report success: the partition must not ask it to.
                DiskFullInjector.healFsyncs(failingDir);
                forcesAfterFailure = DiskFullInjector.forcesUnder(failingDir);
                for (Acks acks : List.of(Acks.ACKS_DURABLE, Acks.ACKS_LEADER, Acks.ACKS_DURABLE)) {
                    ProduceResponse refused = send(channel, FAILING, 99, acks);
                    assertThat(refused.getErrorCode()).as(acks + ": " + refused).isEqualTo(ErrorCode.STORAGE_ERROR);
                    assertThat(refused.getErrorMessage()).contains("partition " + TOPIC + "-0", "until the broker restarts");
                }
                assertThat(admin.latestOffset(FAILING)).as("nothing was written after the failure").isEqualTo(ACKED + 1);

                assertAppended(send(channel, HEALTHY, ACKED, Acks.ACKS_DURABLE), ACKED);

                // Reads go on from the page cache, including the record whose fsync failed (documented).
                List<ConsumerRecord> read = Numbered.readFromStart(bootstrap, FAILING, ACKED + 1);
                assertThat(read).extracting(Numbered::number).containsExactlyElementsOf(range(ACKED + 1));
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            broker.close();
        }
        assertThat(dataDir.resolve(".clean-shutdown")).as("a shutdown after a failed fsync is not clean").doesNotExist();
        assertThat(DiskFullInjector.forcesUnder(failingDir)).as("no fsync of the failed partition was tried again, "
                + "not by the recovery-point task, not at shutdown").isEqualTo(forcesAfterFailure);

        // What the kernel may do with pages whose writeback failed: drop them. The file then holds zeros where
        // the unsynced bytes were, past the length its last good fsync covered.
        Path segment = failingDir.resolve("00000000000000000000.log");
        long synced = DiskFullInjector.syncedLength(segment);
        long size = Files.size(segment);
        assertThat(synced).as("the last good fsync covered the acknowledged records only").isPositive().isLessThan(size);
        try (FileChannel file = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.allocate((int) (size - synced)), synced);
        }
        DiskFullInjector.uninstall();

        broker = BrokerRunner.start(dataDir);
        try {
            int port = BrokerRunner.grpcPort(broker);
            String bootstrap = "127.0.0.1:" + port;
            assertThat(Files.size(segment)).as("recovery cut the bytes that never reached the disk").isEqualTo(synced);
            assertThat(Numbered.readFromStart(bootstrap, FAILING, ACKED)).extracting(Numbered::number)
                    .as("every DURABLE-acknowledged record survived").containsExactlyElementsOf(range(ACKED));
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap)) {
                assertThat(admin.latestOffset(FAILING)).isEqualTo(ACKED);
                assertAppended(send(channel, FAILING, ACKED, Acks.ACKS_DURABLE), ACKED);
                assertAppended(send(channel, HEALTHY, ACKED + 1, Acks.ACKS_DURABLE), ACKED + 1);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            assertThat(Numbered.readFromStart(bootstrap, HEALTHY, ACKED + 2)).extracting(Numbered::number)
                    .containsExactlyElementsOf(range(ACKED + 2));
        } finally {
            broker.close();
        }
        assertThat(dataDir.resolve(".clean-shutdown")).as("healthy again: this shutdown is clean").exists();
    }

    private void awaitCheckpointed(String entry) throws Exception {
        Path checkpoint = dataDir.resolve("recovery-point-offset-checkpoint");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!(Files.exists(checkpoint) && Files.readString(checkpoint).contains(entry)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(Files.readString(checkpoint)).contains(entry);
    }

    private static ProduceResponse send(ManagedChannel channel, TopicPartition partition, long number, Acks acks)
            throws Exception {
        return RawProduce.once(channel, partition.topic(), partition.partition(), Long.toString(number), acks);
    }

    private static void assertAppended(ProduceResponse response, long offset) {
        assertThat(response.getErrorCode()).as(response.toString()).isEqualTo(ErrorCode.NONE);
        assertThat(response.getBaseOffset()).isEqualTo(offset);
    }

    private static List<Long> range(long count) {
        return LongStream.range(0, count).boxed().toList();
    }
}
