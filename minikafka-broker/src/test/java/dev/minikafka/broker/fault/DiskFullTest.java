package dev.minikafka.broker.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.RecordMetadata;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.ProduceResponse;

/**
 * A full disk under a live broker (writes to the partition's files fail with "No space left on device" after
 * writing part of their bytes): produce fails with a clear error naming the partition and the disk, what was
 * acknowledged stays readable, nothing half-written stays in the log, produce resumes by itself when space
 * returns, and a restart recovers the log without cutting anything.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DiskFullTest {

    private static final String TOPIC = "ledger";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    @TempDir
    Path dataDir;

    @AfterEach
    void uninstall() {
        DiskFullInjector.uninstall();
    }

    @Test
    void produceFailsClearlyWhileTheDiskIsFullAndResumesWhenSpaceReturnsWithTheLogIntact() throws Exception {
        DiskFullInjector.install();
        Path logsDir = dataDir.toAbsolutePath();
        ConfigurableApplicationContext broker = BrokerRunner.start(dataDir);
        String bootstrap = "127.0.0.1:" + BrokerRunner.grpcPort(broker);
        List<RecordMetadata> acked = new ArrayList<>();
        long segmentBytesBeforeFull;
        try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap);
             MiniKafkaProducer patient = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).acks(Acks.DURABLE)
                     .deliveryTimeout(Duration.ofSeconds(60)).retryBackoff(Duration.ofMillis(100)).build())) {
            admin.createTopic(TOPIC, 1);
            for (int i = 0; i < 200; i++) {
                acked.add(patient.send(Numbered.record(TOPIC, i)).get(10, TimeUnit.SECONDS));
            }
            segmentBytesBeforeFull = logBytes();

            DiskFullInjector.fill(logsDir);
            long failedBefore = DiskFullInjector.failedWrites();
            ProduceResponse refused = RawProduce.once(BrokerRunner.grpcPort(broker), TOPIC, 0, "refused");
            assertThat(refused.getErrorCode()).isEqualTo(ErrorCode.STORAGE_ERROR);
            assertThat(refused.getErrorMessage()).contains("No space left on device").contains("partition " + TOPIC + "-0");
            assertThat(DiskFullInjector.failedWrites()).as("the broker did try the disk").isGreaterThan(failedBefore);
            assertThat(logBytes()).as("each partial write was cut back off the log").isEqualTo(segmentBytesBeforeFull);
            assertThat(Numbered.readFromStart(bootstrap, PARTITION, 200)).as("the log stays readable")
                    .extracting(ConsumerRecord::offset).containsExactlyElementsOf(LongStream.range(0, 200).boxed().toList());

            // A producer with time to spare keeps retrying and gets through once space returns.
            List<CompletableFuture<RecordMetadata>> waiting = new ArrayList<>();
            for (int i = 200; i < 250; i++) {
                waiting.add(patient.send(Numbered.record(TOPIC, i)));
            }
            Thread.sleep(1_000); // refused for a while: the disk is still full
            assertThat(waiting).noneMatch(CompletableFuture::isDone);
            DiskFullInjector.free(logsDir);
            for (CompletableFuture<RecordMetadata> ack : waiting) {
                acked.add(ack.get(20, TimeUnit.SECONDS));
            }
        } finally {
            broker.close();
        }
        assertThat(acked).extracting(RecordMetadata::offset).as("offsets go on densely after the outage")
                .containsExactlyElementsOf(LongStream.range(0, 250).boxed().toList());
        long bytesAtShutdown = logBytes();

        // Recover as after a crash (no clean-shutdown marker): every batch is checked, nothing is cut.
        Files.deleteIfExists(dataDir.resolve(".clean-shutdown"));
        DiskFullInjector.uninstall();
        broker = BrokerRunner.start(dataDir);
        try {
            assertThat(logBytes()).as("recovery found nothing torn to cut").isEqualTo(bytesAtShutdown);
            List<ConsumerRecord> all = Numbered.readFromStart("127.0.0.1:" + BrokerRunner.grpcPort(broker), PARTITION, 250);
            assertThat(all).extracting(ConsumerRecord::offset).containsExactlyElementsOf(LongStream.range(0, 250).boxed().toList());
            assertThat(all).extracting(Numbered::number).containsExactlyElementsOf(LongStream.range(0, 250).boxed().toList());
        } finally {
            broker.close();
        }
    }

    /** Bytes in the partition's segment files. */
    private long logBytes() throws Exception {
        try (var files = Files.list(dataDir.resolve(TOPIC + "-0"))) {
            long total = 0;
            for (Path file : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }
}
