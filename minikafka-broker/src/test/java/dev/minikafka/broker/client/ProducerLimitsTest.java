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

    private static ProducerRecord record(String topic, int partition, byte[] value) {
        return new ProducerRecord(topic, partition, null, null, value, List.of());
    }
}
