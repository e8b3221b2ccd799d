package dev.minikafka.broker.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.broker.support.LoopbackProxy;
import dev.minikafka.client.Acks;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.RecordMetadata;
import dev.minikafka.client.TopicPartition;

/**
 * The producer library against the real broker, with acks lost on the way back: a proxy holds the
 * broker's answers, then cuts the connection, so the producer resends batches the broker already has.
 * With idempotence (the default) each record is in the log once; without it, twice.
 */
@org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class IdempotentProducerTest {

    private static final int RECORDS = 50;

    @TempDir
    static Path dataDir;

    private static ConfigurableApplicationContext broker;
    private static String direct;
    private LoopbackProxy proxy;

    @BeforeAll
    static void startBroker() {
        broker = BrokerRunner.start(dataDir);
        direct = "127.0.0.1:" + BrokerRunner.grpcPort(broker);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void startProxy() {
        proxy = new LoopbackProxy(BrokerRunner.grpcPort(broker));
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    /** Sends RECORDS records whose acks are lost once; returns the log end afterwards. */
    private long sendWithLostAcks(String topic, boolean idempotence) throws Exception {
        try (MiniKafkaAdmin admin = new MiniKafkaAdmin(direct)) {
            admin.createTopic(topic, 1);
            // A linger, so the records below leave in fewer batches than the five a partition may have in
            // flight: with none, a busy machine's sender can split them into more, and the rest would wait
            // for acks the proxy is holding (the broker would never see them all).
            ProducerConfig config = ProducerConfig.builder("127.0.0.1:" + proxy.port()).acks(Acks.LEADER)
                    .idempotence(idempotence).batchSize(1024).linger(Duration.ofMillis(100))
                    .retryBackoff(Duration.ofMillis(50)).build();
            try (MiniKafkaProducer producer = new MiniKafkaProducer(config)) {
                assertThat(send(producer, topic, "warm-up").get(10, TimeUnit.SECONDS).offset()).isZero();
                assertThat(producer.producerId() >= 0).isEqualTo(idempotence);

                proxy.freezeResponses();
                List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
                for (int i = 0; i < RECORDS; i++) {
                    sends.add(send(producer, topic, "r-" + i));
                }
                TopicPartition partition = new TopicPartition(topic, 0);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (admin.latestOffset(partition) < 1 + RECORDS) {
                    assertThat(System.nanoTime()).as("the broker appended every record").isLessThan(deadline);
                    Thread.sleep(10);
                }
                assertThat(sends).noneMatch(CompletableFuture::isDone);
                proxy.cut(); // the held acks are gone; the producer resends what it has not heard back about
                Thread.sleep(200);
                proxy.restore();
                for (int i = 0; i < RECORDS; i++) {
                    RecordMetadata metadata = sends.get(i).get(30, TimeUnit.SECONDS);
                    if (idempotence) {
                        assertThat(metadata.offset()).as("record %d keeps its first offset", i).isEqualTo(1 + i);
                    }
                }
            }
            return admin.latestOffset(new TopicPartition(topic, 0));
        }
    }

    private static CompletableFuture<RecordMetadata> send(MiniKafkaProducer producer, String topic, String value) {
        return producer.send(new ProducerRecord(topic, 0, null, null, value.getBytes(StandardCharsets.UTF_8), List.of()));
    }

    @Test
    void shouldNotWriteRecordsTwiceWhenAcksAreLostAndTheProducerResends() throws Exception {
        assertThat(sendWithLostAcks("payments", true)).isEqualTo(1 + RECORDS);
    }

    @Test
    void shouldDuplicateThemWithoutIdempotenceAsKafkaDoes() throws Exception {
        assertThat(sendWithLostAcks("payments-plain", false)).isGreaterThan(1 + RECORDS);
    }
}
