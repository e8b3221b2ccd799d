package dev.minikafka.broker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
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
import dev.minikafka.client.TopicPartition;

@org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
/** The producer when the broker goes away: it buffers within its memory bound, retries, and resumes. */
class ProducerResilienceTest {

    @TempDir
    Path dataDir;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void recordsSentWhileTheBrokerRestartsAreDeliveredOnceItIsBack() {
        int port = BrokerRunner.freePort();
        String bootstrap = "127.0.0.1:" + port;
        ConfigurableApplicationContext broker = BrokerRunner.start(dataDir, port);
        try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap)) {
            admin.createTopic("payments", 1);
        }
        ProducerConfig config = ProducerConfig.builder(bootstrap).acks(Acks.DURABLE)
                .retryBackoff(Duration.ofMillis(50)).deliveryTimeout(Duration.ofSeconds(60)).build();
        try (MiniKafkaProducer producer = new MiniKafkaProducer(config)) {
            assertThat(producer.send(new ProducerRecord("payments", 0, null, null, utf8("before"), List.of())).join().offset())
                    .isZero();
            broker.close();

            List<CompletableFuture<RecordMetadata>> whileDown = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                whileDown.add(producer.send(new ProducerRecord("payments", 0, null, null, utf8("during-" + i), List.of())));
            }
            assertThat(whileDown).noneMatch(CompletableFuture::isDone);

            broker = BrokerRunner.start(dataDir, port);
            producer.flush();
            for (int i = 0; i < 100; i++) {
                assertThat(whileDown.get(i).join().offset()).as("in order, after the first record").isEqualTo(i + 1);
            }
        } finally {
            broker.close();
        }
    }

    @Test
    void sendBlocksWhenBufferMemoryIsFullAndFailsAfterMaxBlock() {
        int port = BrokerRunner.freePort(); // nothing listens here
        ProducerConfig config = ProducerConfig.builder("127.0.0.1:" + port)
                .batchSize(1024).bufferMemory(8 * 1024).maxBlock(Duration.ofMillis(300)).build();
        try (MiniKafkaProducer producer = new MiniKafkaProducer(config)) {
            List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
            // 8 KiB holds about 60 such records: later sends wait max.block.ms, then fail.
            while (sends.size() < 200 && (sends.isEmpty() || !sends.get(sends.size() - 1).isDone())) {
                sends.add(producer.send(new ProducerRecord("t", 0, null, null, new byte[100], List.of())));
            }
            assertThat(sends.size()).isBetween(40, 100);
            CompletableFuture<RecordMetadata> rejected = sends.get(sends.size() - 1);
            assertThat(rejected).isCompletedExceptionally();
            assertThatThrownBy(rejected::join).cause().isInstanceOf(MiniKafkaException.class)
                    .hasMessageContaining("buffer.memory");
            assertThat(producer.availableBufferBytes()).isLessThan(1024);
            producer.close(Duration.ofMillis(100));
            assertThat(sends).allMatch(CompletableFuture::isDone);
        }
    }

    @Test
    void undeliverableRecordsFailAfterTheDeliveryTimeout() {
        int port = BrokerRunner.freePort();
        ProducerConfig config = ProducerConfig.builder("127.0.0.1:" + port)
                .deliveryTimeout(Duration.ofMillis(500)).retryBackoff(Duration.ofMillis(50)).build();
        try (MiniKafkaProducer producer = new MiniKafkaProducer(config)) {
            CompletableFuture<RecordMetadata> send = producer.send(
                    new ProducerRecord("t", 0, null, null, utf8("lost"), List.of()));
            assertThatThrownBy(send::join).cause().isInstanceOf(MiniKafkaException.class)
                    .hasMessageContaining("delivery.timeout.ms");
            assertThat(producer.availableBufferBytes()).as("memory is given back").isEqualTo(config.bufferMemory());
        }
        try (MiniKafkaAdmin admin = new MiniKafkaAdmin("127.0.0.1:" + port)) {
            assertThatThrownBy(() -> admin.latestOffset(new TopicPartition("t", 0)))
                    .isInstanceOf(MiniKafkaException.class).satisfies(e -> assertThat(((MiniKafkaException) e).isRetriable()).isTrue());
        }
    }
}
