package dev.minikafka.broker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.minikafka.broker.support.BrokerOverLoopback;
import dev.minikafka.client.Acks;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.Murmur2Partitioner;
import dev.minikafka.client.NewTopic;
import dev.minikafka.client.OffsetReset;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.RecordMetadata;
import dev.minikafka.client.TopicExistsException;
import dev.minikafka.client.TopicInfo;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.protocol.Header;

@org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
/** The Java client against the real broker over loopback gRPC: producer, consumer and admin as a user calls them. */
class ClientEndToEndTest extends BrokerOverLoopback {

    private static MiniKafkaProducer producer(Acks acks) {
        return new MiniKafkaProducer(ProducerConfig.builder(bootstrap).acks(acks).batchSize(16 * 1024).build());
    }

    private static MiniKafkaConsumer consumer(OffsetReset reset) {
        return new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).autoOffsetReset(reset).build());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keyedRecordsLandOnTheirMurmur2PartitionWithDenseOffsetsAndComeBackInOrder() {
        admin.createTopic("orders", 8);
        int count = 20_000;
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
        try (MiniKafkaProducer producer = producer(Acks.LEADER)) {
            for (int i = 0; i < count; i++) {
                acks.add(producer.send(new ProducerRecord("orders", utf8("key-" + i % 100), utf8("value-" + i))));
            }
            producer.flush();
        }
        Map<Integer, List<Integer>> sentPerPartition = new HashMap<>();
        for (int i = 0; i < count; i++) {
            RecordMetadata metadata = acks.get(i).join();
            assertThat(metadata.partition()).isEqualTo(Murmur2Partitioner.partition(utf8("key-" + i % 100), 8));
            List<Integer> sent = sentPerPartition.computeIfAbsent(metadata.partition(), p -> new ArrayList<>());
            assertThat(metadata.offset()).as("offsets are dense in send order").isEqualTo(sent.size());
            sent.add(i);
        }

        try (MiniKafkaConsumer consumer = consumer(OffsetReset.EARLIEST)) {
            List<TopicPartition> partitions = IntStream.range(0, 8).mapToObj(p -> new TopicPartition("orders", p)).toList();
            consumer.assign(partitions);
            List<ConsumerRecord> records = readAll(consumer, count);
            assertThat(records).hasSize(count);
            Map<Integer, List<Integer>> readPerPartition = new HashMap<>();
            for (ConsumerRecord record : records) {
                List<Integer> read = readPerPartition.computeIfAbsent(record.partition(), p -> new ArrayList<>());
                assertThat(record.offset()).isEqualTo(read.size());
                read.add(Integer.parseInt(record.valueAsString().substring("value-".length())));
            }
            assertThat(readPerPartition).isEqualTo(sentPerPartition);
            assertThat(consumer.position(partitions.get(0))).isEqualTo(sentPerPartition.get(0).size());
            assertThat(consumer.lag(partitions.get(0))).isZero();
        }
    }

    @Test
    void headersTimestampsAndNullKeysSurviveTheRoundTrip() {
        admin.createTopic("audit", 1);
        try (MiniKafkaProducer producer = producer(Acks.DURABLE)) {
            producer.send(new ProducerRecord("audit", 0, 1_000L, null, utf8("first"),
                    List.of(Header.of("trace", "abc"), new Header("empty", null)))).join();
            producer.send(new ProducerRecord("audit", 0, 2_000L, utf8("k"), null, List.of())).join();
        }
        try (MiniKafkaConsumer consumer = consumer(OffsetReset.EARLIEST)) {
            consumer.assign(List.of(new TopicPartition("audit", 0)));
            List<ConsumerRecord> records = readAll(consumer, 2);
            assertThat(records).hasSize(2);
            ConsumerRecord first = records.get(0);
            assertThat(first.key()).isNull();
            assertThat(first.valueAsString()).isEqualTo("first");
            assertThat(first.timestamp()).isEqualTo(1_000L);
            assertThat(first.headers()).hasSize(2);
            assertThat(first.headers().get(0).valueAsString()).isEqualTo("abc");
            assertThat(first.headers().get(1).value()).isNull();
            assertThat(records.get(1).keyAsString()).isEqualTo("k");
            assertThat(records.get(1).value()).isNull();
        }
    }

    @Test
    void keylessRecordsAreSpreadOverPartitionsInWholeBatches() {
        admin.createTopic("clicks", 4);
        int count = 5_000;
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
        try (MiniKafkaProducer producer = producer(Acks.LEADER)) {
            for (int i = 0; i < count; i++) {
                acks.add(producer.send(new ProducerRecord("clicks", utf8("x".repeat(100)))));
            }
        }
        Set<Integer> used = new HashSet<>();
        acks.forEach(ack -> used.add(ack.join().partition()));
        assertThat(used).as("the sticky partitioner moves on when a batch fills").hasSizeGreaterThan(1);
        assertThat(admin.describeTopic("clicks").recordCount()).isEqualTo(count);
    }

    @Test
    void acksNoneReportsNoOffsetButTheRecordsAreWritten() {
        admin.createTopic("metrics", 1);
        try (MiniKafkaProducer producer = producer(Acks.NONE)) {
            List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                acks.add(producer.send(new ProducerRecord("metrics", utf8("m" + i))));
            }
            producer.flush();
            assertThat(acks).allSatisfy(ack -> assertThat(ack.join().offset()).isEqualTo(-1));
        }
        TopicPartition partition = new TopicPartition("metrics", 0);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (admin.latestOffset(partition) < 100 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(admin.latestOffset(partition)).isEqualTo(100);
    }

    @Test
    void sendsThatCanNeverSucceedFailWithTheBrokersReason() {
        admin.createTopic(new NewTopic("small", 2).maxMessageBytes(1024));
        try (MiniKafkaProducer producer = producer(Acks.LEADER)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord("no-such-topic", utf8("k"), utf8("v"))).join())
                    .isInstanceOf(CompletionException.class).cause()
                    .isInstanceOf(MiniKafkaException.class)
                    .satisfies(e -> assertThat(((MiniKafkaException) e).code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC))
                    .hasMessageContaining("no-such-topic");
            assertThatThrownBy(() -> producer.send(new ProducerRecord("small", 7, null, null, utf8("v"), List.of())).join())
                    .cause().isInstanceOf(MiniKafkaException.class)
                    .satisfies(e -> assertThat(((MiniKafkaException) e).code()).isEqualTo(ErrorCode.PARTITION_OUT_OF_RANGE))
                    .hasMessageContaining("partitions 0..1");
            assertThatThrownBy(() -> producer.send(new ProducerRecord("small", utf8("k"), new byte[4096])).join())
                    .cause().isInstanceOf(MiniKafkaException.class)
                    .satisfies(e -> assertThat(((MiniKafkaException) e).code()).isEqualTo(ErrorCode.RECORD_TOO_LARGE))
                    .satisfies(e -> assertThat(((MiniKafkaException) e).isRetriable()).isFalse());
            // The producer stays usable after failures.
            assertThat(producer.send(new ProducerRecord("small", utf8("k"), utf8("fits"))).join().offset()).isZero();
        }
    }

    @Test
    void consumerSeeksByOffsetTimeAndEnds() {
        admin.createTopic("history", 1);
        TopicPartition partition = new TopicPartition("history", 0);
        try (MiniKafkaProducer producer = producer(Acks.LEADER)) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord("history", 0, 10_000L + i * 1_000L, null, utf8("r" + i), List.of()));
            }
            producer.flush();
        }
        assertThat(admin.offsetForTimestamp(partition, 13_500L)).isEqualTo(4);
        assertThat(admin.offsetForTimestamp(partition, 99_000L)).isEqualTo(-1);
        try (MiniKafkaConsumer consumer = consumer(OffsetReset.LATEST)) {
            consumer.assign(List.of(partition));
            assertThat(consumer.position(partition)).as("auto.offset.reset=latest").isEqualTo(10);

            consumer.seekToTimestamp(List.of(partition), 13_000L);
            assertThat(readAll(consumer, 7)).extracting(ConsumerRecord::valueAsString)
                    .containsExactly("r3", "r4", "r5", "r6", "r7", "r8", "r9");

            consumer.seek(partition, 8);
            assertThat(readAll(consumer, 2)).extracting(ConsumerRecord::offset).containsExactly(8L, 9L);

            consumer.seekToBeginning(List.of(partition));
            assertThat(consumer.position(partition)).isZero();
            consumer.seekToTimestamp(List.of(partition), 50_000L);
            assertThat(consumer.position(partition)).as("no record that new: the log end").isEqualTo(10);
        }
    }

    @Test
    void positionsOutsideTheLogFollowAutoOffsetReset() {
        admin.createTopic("reset", 1);
        TopicPartition partition = new TopicPartition("reset", 0);
        try (MiniKafkaProducer producer = producer(Acks.LEADER)) {
            producer.send(new ProducerRecord("reset", utf8("k"), utf8("only"))).join();
        }
        try (MiniKafkaConsumer strict = consumer(OffsetReset.NONE)) {
            strict.assign(List.of(partition));
            assertThatThrownBy(() -> strict.poll(Duration.ofMillis(100)))
                    .isInstanceOf(MiniKafkaException.class).hasMessageContaining("auto.offset.reset is none");
            strict.seek(partition, 42);
            assertThatThrownBy(() -> strict.poll(Duration.ofSeconds(2)))
                    .isInstanceOf(MiniKafkaException.class)
                    .satisfies(e -> assertThat(((MiniKafkaException) e).code()).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE));
        }
        try (MiniKafkaConsumer lenient = consumer(OffsetReset.EARLIEST)) {
            lenient.assign(List.of(partition));
            lenient.seek(partition, 42);
            assertThat(readAll(lenient, 1)).extracting(ConsumerRecord::valueAsString).containsExactly("only");
        }
    }

    @Test
    void pausedPartitionsAreNotReadUntilResumed() {
        admin.createTopic("paused", 2);
        TopicPartition p0 = new TopicPartition("paused", 0);
        TopicPartition p1 = new TopicPartition("paused", 1);
        try (MiniKafkaProducer producer = producer(Acks.LEADER)) {
            producer.send(new ProducerRecord("paused", 0, null, null, utf8("a"), List.of()));
            producer.send(new ProducerRecord("paused", 1, null, null, utf8("b"), List.of()));
            producer.flush();
        }
        try (MiniKafkaConsumer consumer = consumer(OffsetReset.EARLIEST)) {
            consumer.assign(List.of(p0, p1));
            consumer.pause(List.of(p1));
            assertThat(readAll(consumer, 1)).extracting(ConsumerRecord::partition).containsExactly(0);
            assertThat(consumer.poll(Duration.ofMillis(300))).isEmpty();
            consumer.resume(List.of(p1));
            assertThat(readAll(consumer, 1)).extracting(ConsumerRecord::valueAsString).containsExactly("b");
        }
    }

    @Test
    void adminManagesTopicsAndExplainsMistakes() {
        TopicInfo created = admin.createTopic(new NewTopic("managed", 3).retention(Duration.ofHours(1)).segmentBytes(1 << 20));
        assertThat(created.partitionCount()).isEqualTo(3);
        assertThat(created.retentionMs()).isEqualTo(3_600_000L);
        assertThat(created.segmentBytes()).isEqualTo(1 << 20);
        assertThat(admin.listTopicNames()).contains("managed");
        assertThatThrownBy(() -> admin.createTopic("managed", 3)).isInstanceOf(TopicExistsException.class);
        assertThat(admin.createTopicIfAbsent(new NewTopic("managed", 3)).name()).isEqualTo("managed");
        assertThatThrownBy(() -> admin.createTopic("bad name!", 1))
                .isInstanceOf(MiniKafkaException.class).hasMessageContaining("bad name!");
        assertThatThrownBy(() -> admin.createTopic("zero", 0)).isInstanceOf(MiniKafkaException.class);

        admin.deleteTopic("managed");
        assertThat(admin.listTopicNames()).doesNotContain("managed");
        assertThatThrownBy(() -> admin.describeTopic("managed"))
                .isInstanceOf(MiniKafkaException.class)
                .satisfies(e -> assertThat(((MiniKafkaException) e).code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC));
    }
}
