package dev.minikafka.broker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.client.Acks;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.Murmur2Partitioner;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.RecordMetadata;
import dev.minikafka.proto.v1.ErrorCode;

/** The producer against a real broker's limits: record size and topics that change under it. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProducerLimitsTest {

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext broker;
    private String bootstrap;

    @BeforeEach
    void startBroker() {
        int port = BrokerRunner.freePort();
        bootstrap = "127.0.0.1:" + port;
        broker = BrokerRunner.start(dataDir, port);
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    @Test
    void aRecordOverMaxRequestSizeFailsAtOnceAndOtherPartitionsAreUnaffected() throws Exception {
        try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap)) {
            admin.createTopic("big", 2);
        }
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).acks(Acks.LEADER)
                .linger(Duration.ofMillis(20)).build())) {
            CompletableFuture<RecordMetadata> before = producer.send(record("big", 1, new byte[100]));
            CompletableFuture<RecordMetadata> oversized = producer.send(record("big", 0, new byte[20_000_000]));
            CompletableFuture<RecordMetadata> after = producer.send(record("big", 1, new byte[100]));

            assertThatThrownBy(() -> oversized.get(1, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(MiniKafkaException.class)
                    .hasMessageContaining("max.request.size (1048576 bytes)")
                    .satisfies(e -> assertThat(((MiniKafkaException) e).code()).isEqualTo(ErrorCode.RECORD_TOO_LARGE));
            assertThat(before.get(5, TimeUnit.SECONDS).offset()).isZero();
            assertThat(after.get(5, TimeUnit.SECONDS).offset()).isEqualTo(1);
            assertThat(producer.send(record("big", 0, new byte[900_000])).get(5, TimeUnit.SECONDS).offset())
                    .as("a record under the limit but over batch.size goes alone in its batch").isZero();
        }
    }

    @Test
    void aTopicReCreatedWithFewerPartitionsFailsAKeyedSendAtMostOnce() throws Exception {
        try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap);
             MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).build())) {
            admin.createTopic("shrinking", 6);
            byte[] key = keyFor(6, 3);
            assertThat(producer.send(new ProducerRecord("shrinking", key, new byte[10])).get(5, TimeUnit.SECONDS)
                    .partition()).isGreaterThanOrEqualTo(3);

            admin.deleteTopic("shrinking");
            admin.createTopic("shrinking", 3);
            int failures = 0;
            RecordMetadata sent = null;
            for (int attempt = 0; attempt < 3 && sent == null; attempt++) {
                try {
                    sent = producer.send(new ProducerRecord("shrinking", key, new byte[10])).get(5, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    assertThat(((MiniKafkaException) e.getCause()).code())
                            .isIn(ErrorCode.UNKNOWN_TOPIC, ErrorCode.PARTITION_OUT_OF_RANGE);
                    failures++;
                }
            }
            assertThat(failures).as("sends failed before the producer saw the new partition count").isLessThanOrEqualTo(1);
            assertThat(sent).isNotNull();
            assertThat(sent.partition()).isEqualTo(Murmur2Partitioner.partition(key, 3));
            assertThat(producer.partitionCount("shrinking")).isEqualTo(3);
        }
    }

    @Test
    void aPartitionCountOlderThanMetadataMaxAgeIsLookedUpAgain() throws Exception {
        try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap);
             MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap)
                     .metadataMaxAge(Duration.ofMillis(200)).build())) {
            admin.createTopic("growing", 3);
            producer.send(new ProducerRecord("growing", new byte[] {1}, new byte[10])).get(5, TimeUnit.SECONDS);
            admin.deleteTopic("growing");
            admin.createTopic("growing", 6);
            Thread.sleep(300);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (producer.partitionCount("growing") != 6 && System.nanoTime() < deadline) {
                Thread.sleep(20); // the first look past the age starts a refresh and goes on with the old count
            }
            assertThat(producer.partitionCount("growing")).isEqualTo(6);
            byte[] key = keyFor(6, 5);
            assertThat(producer.send(new ProducerRecord("growing", key, new byte[10])).get(5, TimeUnit.SECONDS)
                    .partition()).as("keys map as for a fresh producer").isEqualTo(5);
        }
    }

    /** A key that murmur2 puts in {@code wanted} or above, out of {@code partitions}. */
    private static byte[] keyFor(int partitions, int wanted) {
        for (int i = 0; ; i++) {
            byte[] key = ("key-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (Murmur2Partitioner.partition(key, partitions) >= wanted) {
                return key;
            }
        }
    }

    private static ProducerRecord record(String topic, int partition, byte[] value) {
        return new ProducerRecord(topic, partition, null, null, value, List.of());
    }
}
