package dev.minikafka.broker.client;

import java.nio.file.Path;
import org.springframework.context.ConfigurableApplicationContext;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.minikafka.broker.support.BrokerOverLoopback;
import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.Acks;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.OffsetReset;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.client.internal.SubscriptionFetcher;
import dev.minikafka.proto.v1.ErrorCode;

@org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
/** The consumer's Subscribe streams against the real broker: seeks, pauses, flow control and wake-up latency. */
class ConsumerSubscriptionTest extends BrokerOverLoopback {

    private static MiniKafkaProducer producer(String bootstrap) {
        return new MiniKafkaProducer(ProducerConfig.builder(bootstrap).acks(Acks.LEADER).batchSize(64 * 1024).build());
    }

    private static MiniKafkaConsumer consumer(String bootstrap, OffsetReset reset) {
        return new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).autoOffsetReset(reset).build());
    }

    /** Small messages, so a backlog takes many of them and some are always queued ahead of the application. */
    private static MiniKafkaConsumer smallFetchConsumer() {
        return new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).maxPartitionFetchBytes(64 * 1024).build());
    }

    private static void produce(String bootstrap, String topic, int partition, int from, int count, int valueBytes) {
        try (MiniKafkaProducer producer = producer(bootstrap)) {
            for (int i = from; i < from + count; i++) {
                byte[] value = new byte[Math.max(valueBytes, 8)];
                byte[] label = ("v" + i).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(label, 0, value, 0, Math.min(label.length, value.length));
                producer.send(new ProducerRecord(topic, partition, null, null, value, List.of()));
            }
            producer.flush();
        }
    }

    private static void assertDenseFrom(List<ConsumerRecord> records, long first) {
        for (int i = 0; i < records.size(); i++) {
            assertThat(records.get(i).offset()).as("record %d", i).isEqualTo(first + i);
        }
    }

    private static SubscriptionFetcher fetcherOf(MiniKafkaConsumer consumer) throws ReflectiveOperationException {
        Field field = MiniKafkaConsumer.class.getDeclaredField("fetcher");
        field.setAccessible(true);
        return (SubscriptionFetcher) field.get(consumer);
    }

    @Test
    void aSeekWhileDataIsStreamingNeverReturnsRecordsFromTheOldPosition() {
        admin.createTopic("rewind", 1);
        TopicPartition partition = new TopicPartition("rewind", 0);
        produce(bootstrap, "rewind", 0, 0, 50_000, 100);
        try (MiniKafkaConsumer consumer = smallFetchConsumer()) {
            consumer.assign(List.of(partition));
            long[] targets = {40_000, 10, 25_000, 0, 7, 33_333, 49_990};
            for (long target : targets) {
                // Let the stream run ahead of the application, so stale messages are queued at the seek.
                assertThat(consumer.poll(Duration.ofSeconds(5))).isNotEmpty();
                consumer.seek(partition, target);
                List<ConsumerRecord> after = consumer.poll(Duration.ofSeconds(5));
                assertThat(after).as("after seeking to %d", target).isNotEmpty();
                assertDenseFrom(after, target);
                assertThat(consumer.position(partition)).isEqualTo(target + after.size());
            }
        }
    }

    @Test
    void pauseStopsDeliveryAndResumeContinuesExactlyFromThePosition() {
        admin.createTopic("breaks", 2);
        TopicPartition p0 = new TopicPartition("breaks", 0);
        TopicPartition p1 = new TopicPartition("breaks", 1);
        produce(bootstrap, "breaks", 0, 0, 20_000, 100);
        try (MiniKafkaConsumer consumer = smallFetchConsumer()) {
            consumer.assign(List.of(p0, p1));
            List<ConsumerRecord> first = consumer.poll(Duration.ofSeconds(5));
            assertThat(first).isNotEmpty();
            assertDenseFrom(first, 0);
            long position = consumer.position(p0);
            assertThat(position).isLessThan(20_000);

            consumer.pause(List.of(p0));
            produce(bootstrap, "breaks", 0, 20_000, 100, 100);
            produce(bootstrap, "breaks", 1, 0, 1, 100);
            List<ConsumerRecord> whilePaused = readAll(consumer, 1);
            assertThat(whilePaused).extracting(ConsumerRecord::partition).containsExactly(1);
            assertThat(consumer.poll(Duration.ofMillis(500))).as("nothing from the paused partition").isEmpty();
            assertThat(consumer.position(p0)).isEqualTo(position);

            consumer.resume(List.of(p0));
            List<ConsumerRecord> rest = readAll(consumer, (int) (20_100 - position));
            assertThat(rest).hasSize((int) (20_100 - position));
            assertDenseFrom(rest, position);
            assertThat(consumer.lag(p0)).isZero();
        }
    }

    @Test
    void partitionsDroppedFromTheAssignmentAreNoLongerRead() {
        admin.createTopic("reassigned", 2);
        TopicPartition p0 = new TopicPartition("reassigned", 0);
        TopicPartition p1 = new TopicPartition("reassigned", 1);
        try (MiniKafkaConsumer consumer = consumer(bootstrap, OffsetReset.EARLIEST)) {
            consumer.assign(List.of(p0, p1));
            assertThat(consumer.poll(Duration.ofMillis(200))).isEmpty();
            consumer.assign(List.of(p0));
            produce(bootstrap, "reassigned", 1, 0, 10, 10);
            produce(bootstrap, "reassigned", 0, 0, 1, 10);
            assertThat(readAll(consumer, 1)).extracting(ConsumerRecord::partition).containsExactly(0);
            assertThat(consumer.poll(Duration.ofMillis(300))).isEmpty();
        }
    }

    @Test
    void aConsumerThatDoesNotPollBuffersOnlyAFewMessages() throws Exception {
        admin.createTopic("backlog", 1);
        TopicPartition partition = new TopicPartition("backlog", 0);
        int count = 5_000;
        produce(bootstrap, "backlog", 0, 0, count, 10_000); // 50 MB
        try (MiniKafkaConsumer consumer = consumer(bootstrap, OffsetReset.EARLIEST)) {
            consumer.assign(List.of(partition));
            List<ConsumerRecord> records = new ArrayList<>(consumer.poll(Duration.ofSeconds(5)));
            assertThat(records).isNotEmpty();

            Thread.sleep(1_000);
            SubscriptionFetcher fetcher = fetcherOf(consumer);
            assertThat(fetcher.bufferedMessages()).as("at most the stream's prefetch").isBetween(1, 4);
            assertThat(fetcher.bufferedBytes()).as("a few messages of max.partition.fetch.bytes").isLessThanOrEqualTo(5L << 20);

            records.addAll(readAll(consumer, count - records.size()));
            assertThat(records).hasSize(count);
            assertDenseFrom(records, 0);
        }
    }

    @Test
    void aPollWithAZeroTimeoutReturnsWhatIsAlreadyBuffered() throws Exception {
        admin.createTopic("buffered", 1);
        TopicPartition partition = new TopicPartition("buffered", 0);
        produce(bootstrap, "buffered", 0, 0, 100, 100);
        try (MiniKafkaConsumer consumer = consumer(bootstrap, OffsetReset.EARLIEST)) {
            consumer.assign(List.of(partition));
            List<ConsumerRecord> records = new ArrayList<>(consumer.poll(Duration.ZERO)); // opens the stream
            SubscriptionFetcher fetcher = fetcherOf(consumer);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (records.isEmpty() && fetcher.bufferedMessages() == 0) {
                assertThat(System.nanoTime() - deadline).as("the stream delivered something within 10 s").isNegative();
                Thread.sleep(10);
            }
            records.addAll(consumer.poll(Duration.ZERO));
            assertThat(records).as("records buffered before a poll with no time to wait").isNotEmpty();
            assertDenseFrom(records, 0);
        }
    }

    @Test
    void anAssignedConsumerOfAGroupStartsAtTheCommittedOffsetAlsoWhenAskedForItsPositionFirst() {
        admin.createTopic("resume", 1);
        TopicPartition partition = new TopicPartition("resume", 0);
        produce(bootstrap, "resume", 0, 0, 100, 100);
        ConsumerConfig config = ConsumerConfig.builder(bootstrap).groupId("resumers").enableAutoCommit(false).build();
        try (MiniKafkaConsumer first = new MiniKafkaConsumer(config)) {
            first.assign(List.of(partition));
            first.commitSync(Map.of(partition, 40L));
        }
        try (MiniKafkaConsumer second = new MiniKafkaConsumer(config)) {
            second.assign(List.of(partition));
            assertThat(second.position(partition)).isEqualTo(40);
            List<ConsumerRecord> records = second.poll(Duration.ofSeconds(5));
            assertThat(records).isNotEmpty();
            assertDenseFrom(records, 40);
        }
    }

    @Test
    void anAssignedConsumerOfAGroupCommitsItsPositionsOnTheAutoCommitInterval() {
        admin.createTopic("assigned-auto", 1);
        TopicPartition partition = new TopicPartition("assigned-auto", 0);
        produce(bootstrap, "assigned-auto", 0, 0, 100, 100);
        ConsumerConfig config = ConsumerConfig.builder(bootstrap).groupId("assigned-auto")
                .autoCommitInterval(Duration.ofMillis(100)).build();
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(config)) {
            consumer.assign(List.of(partition));
            assertThat(readAll(consumer, 100)).hasSize(100);
            assertThat(pollUntilCommitted(consumer, partition, 100)).as("committed by polls, while the consumer is open")
                    .containsEntry(partition, 100L);
        }
    }

    @Test
    void anAssignedConsumerOfAGroupCommitsItsPositionsOnClose() {
        admin.createTopic("assigned-close", 1);
        TopicPartition partition = new TopicPartition("assigned-close", 0);
        produce(bootstrap, "assigned-close", 0, 0, 30, 100);
        ConsumerConfig config = ConsumerConfig.builder(bootstrap).groupId("assigned-close")
                .autoCommitInterval(Duration.ofHours(1)).build();
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(config)) {
            consumer.assign(List.of(partition));
            assertThat(readAll(consumer, 30)).hasSize(30);
        }
        try (MiniKafkaConsumer next = new MiniKafkaConsumer(config)) {
            assertThat(next.committed(Set.of(partition))).containsEntry(partition, 30L);
        }
    }

    @Test
    void anAssignedConsumerOfAGroupCommitsThePositionsAnAssignmentReplaces() {
        admin.createTopic("assigned-moved", 2);
        TopicPartition p0 = new TopicPartition("assigned-moved", 0);
        TopicPartition p1 = new TopicPartition("assigned-moved", 1);
        produce(bootstrap, "assigned-moved", 0, 0, 20, 100);
        ConsumerConfig config = ConsumerConfig.builder(bootstrap).groupId("assigned-moved")
                .autoCommitInterval(Duration.ofHours(1)).build();
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(config)) {
            consumer.assign(List.of(p0));
            assertThat(readAll(consumer, 20)).hasSize(20);
            consumer.assign(List.of(p1));
            assertThat(pollUntilCommitted(consumer, p0, 20)).as("committed as p0 was let go, not by the hourly interval")
                    .containsEntry(p0, 20L);
        }
    }

    @Test
    void recordsProducedWhileTheConsumerWaitsArrivePromptly() throws Exception {
        admin.createTopic("wakeup", 1);
        TopicPartition partition = new TopicPartition("wakeup", 0);
        try (MiniKafkaConsumer consumer = consumer(bootstrap, OffsetReset.LATEST);
             MiniKafkaProducer producer = producer(bootstrap)) {
            consumer.assign(List.of(partition));
            assertThat(consumer.poll(Duration.ofMillis(100))).isEmpty(); // the stream is open and caught up
            for (int round = 0; round < 5; round++) {
                AtomicLong producedAt = new AtomicLong();
                CompletableFuture<Void> produced = CompletableFuture.runAsync(() -> {
                    sleep(300);
                    producedAt.set(System.nanoTime());
                    producer.send(new ProducerRecord("wakeup", 0, null, null, new byte[]{(byte) 1}, List.of()));
                    producer.flush();
                });
                List<ConsumerRecord> records = consumer.poll(Duration.ofSeconds(5));
                long returnedAt = System.nanoTime();
                produced.join();
                assertThat(records).hasSize(1);
                assertThat(records.get(0).offset()).isEqualTo(round);
                assertThat(Duration.ofNanos(returnedAt - producedAt.get())).as("poll returns when the record arrives")
                        .isLessThan(Duration.ofSeconds(2));
            }
        }
    }

    @Test
    void partitionsThatDoNotExistFailThePoll() {
        admin.createTopic("single", 1);
        try (MiniKafkaConsumer consumer = consumer(bootstrap, OffsetReset.EARLIEST)) {
            TopicPartition missingTopic = new TopicPartition("no-such-topic", 0);
            consumer.assign(List.of(missingTopic));
            consumer.seek(missingTopic, 0);
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(5)))
                    .isInstanceOf(MiniKafkaException.class)
                    .satisfies(e -> assertThat(((MiniKafkaException) e).code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC));

            TopicPartition missingPartition = new TopicPartition("single", 3);
            consumer.assign(List.of(missingPartition));
            consumer.seek(missingPartition, 0);
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(5)))
                    .isInstanceOf(MiniKafkaException.class)
                    .satisfies(e -> assertThat(((MiniKafkaException) e).code()).isEqualTo(ErrorCode.PARTITION_OUT_OF_RANGE));
        }
    }

    @Test
    void aStreamBrokenByABrokerRestartIsReopenedFromThePosition(@TempDir Path ownDir) {
        int port = BrokerRunner.freePort();
        String own = "127.0.0.1:" + port;
        ConfigurableApplicationContext restarted = BrokerRunner.start(ownDir, port);
        try {
            try (MiniKafkaAdmin ownAdmin = new MiniKafkaAdmin(own)) {
                ownAdmin.createTopic("durable", 1);
            }
            produce(own, "durable", 0, 0, 100, 10);
            try (MiniKafkaConsumer consumer = consumer(own, OffsetReset.EARLIEST)) {
                consumer.assign(List.of(new TopicPartition("durable", 0)));
                List<ConsumerRecord> before = readAll(consumer, 100);
                assertThat(before).hasSize(100);

                restarted.close();
                assertThat(consumer.poll(Duration.ofMillis(300))).as("retriable: no exception").isEmpty();
                restarted = BrokerRunner.start(ownDir, port);
                produce(own, "durable", 0, 100, 50, 10);
                List<ConsumerRecord> after = readAll(consumer, 50);
                assertThat(after).hasSize(50);
                assertDenseFrom(after, 100);
            }
        } finally {
            restarted.close();
        }
    }

    /** Polls for up to 10 s until the group's committed offset of {@code partition} is {@code expected}; returns the last look. */
    private static Map<TopicPartition, Long> pollUntilCommitted(MiniKafkaConsumer consumer, TopicPartition partition, long expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Map<TopicPartition, Long> committed = consumer.committed(Set.of(partition));
        while (!Long.valueOf(expected).equals(committed.get(partition)) && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100));
            committed = consumer.committed(Set.of(partition));
        }
        return committed;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
