package dev.minikafka.broker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.minikafka.broker.support.BrokerOverLoopback;
import dev.minikafka.client.Acks;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.protocol.BatchLayout;
import dev.minikafka.protocol.RecordBatch;

/**
 * A batch corrupted in the broker's segment file after it was produced (the broker does not check batches it
 * reads) reaches the consumer in the same message as the good batches before it: those are returned, the
 * corrupt one is reported by the poll that meets it, and again by each later poll until a seek moves past it.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConsumerCorruptBatchTest extends BrokerOverLoopback {

    @Test
    void aBatchFailingItsCrcIsReportedAfterTheRecordsBeforeItUntilASeekMovesPastIt() throws IOException {
        TopicPartition tp = threeBatches("crc");
        Path segment = segmentOf(tp);
        flipByte(segment, indexOf(segment, "b0-corrupt-me") + 3); // a byte of a record's value: only the CRC tells

        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).build())) {
            consumer.assign(List.of(tp));
            assertThat(offsets(consumer.poll(Duration.ofSeconds(10)))).as("the batch before the corrupt one")
                    .containsExactly(0L, 1L, 2L);
            assertThat(consumer.position(tp)).isEqualTo(3);

            for (int attempt = 0; attempt < 2; attempt++) {
                assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                        .as("poll %d after the good records", attempt + 1)
                        .isInstanceOf(MiniKafkaException.class)
                        .hasMessageContaining("crc-0").hasMessageContaining("offset 3").hasMessageContaining("CRC")
                        .satisfies(e -> assertThat(((MiniKafkaException) e).code()).isEqualTo(ErrorCode.CORRUPT_BATCH));
                assertThat(consumer.position(tp)).isEqualTo(3);
            }

            consumer.seek(tp, 5);
            assertThat(offsets(readAll(consumer, 1))).containsExactly(5L);
        }
    }

    @Test
    void aBatchThatCannotBeDecodedDoesNotLoseTheRecordsBeforeIt() throws IOException {
        TopicPartition tp = threeBatches("undecodable");
        Path segment = segmentOf(tp);
        // The second batch's first record claims 63 bytes, more than the batch holds. Without the CRC check the
        // consumer finds out only while decoding it.
        overwrite(segment, secondBatchPosition(segment) + BatchLayout.RECORDS_OFFSET, (byte) 0x7E);

        ConsumerConfig config = ConsumerConfig.builder(bootstrap).checkCrcs(false).build();
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(config)) {
            consumer.assign(List.of(tp));
            assertThat(offsets(consumer.poll(Duration.ofSeconds(10)))).containsExactly(0L, 1L, 2L);
            assertThat(consumer.position(tp)).isEqualTo(3);
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                    .isInstanceOf(MiniKafkaException.class)
                    .hasMessageContaining("undecodable-0").hasMessageContaining("offset 3")
                    .satisfies(e -> assertThat(((MiniKafkaException) e).code()).isEqualTo(ErrorCode.CORRUPT_BATCH));
            assertThat(consumer.position(tp)).isEqualTo(3);

            consumer.seek(tp, 5);
            assertThat(offsets(readAll(consumer, 1))).containsExactly(5L);
        }
    }

    /** A new topic whose partition 0 holds three batches: offsets 0-2, 3-4 (values "b0-corrupt-me", "b1"), 5. */
    private static TopicPartition threeBatches(String topic) throws IOException {
        admin.createTopic(topic, 1);
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).acks(Acks.LEADER).build())) {
            for (List<String> batch : List.of(List.of("a0", "a1", "a2"), List.of("b0-corrupt-me", "b1"), List.of("c0"))) {
                for (String value : batch) {
                    producer.send(new ProducerRecord(topic, 0, null, null, value.getBytes(StandardCharsets.UTF_8), List.of()));
                }
                producer.flush(); // one batch per flush
            }
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        ByteBuffer log = ByteBuffer.wrap(Files.readAllBytes(segmentOf(tp)));
        List<Long> baseOffsets = new ArrayList<>();
        for (int pos = 0; pos < log.limit(); pos += RecordBatch.sizeInBytes(log, pos)) {
            baseOffsets.add(RecordBatch.baseOffset(log, pos));
        }
        assertThat(baseOffsets).as("the batches on disk").containsExactly(0L, 3L, 5L);
        return tp;
    }

    private static Path segmentOf(TopicPartition tp) throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve(tp.toString()))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).findFirst().orElseThrow();
        }
    }

    private static int secondBatchPosition(Path segment) throws IOException {
        return RecordBatch.sizeInBytes(ByteBuffer.wrap(Files.readAllBytes(segment)), 0);
    }

    private static int indexOf(Path file, String text) throws IOException {
        String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        int index = bytes.indexOf(text);
        assertThat(index).as("'%s' in %s", text, file).isNotNegative();
        return index;
    }

    private static void flipByte(Path file, long position) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.read(one, position);
        }
        overwrite(file, position, (byte) (one.get(0) ^ 0x20));
    }

    private static void overwrite(Path file, long position, byte value) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[]{value}), position);
        }
    }

    private static List<Long> offsets(List<ConsumerRecord> records) {
        return records.stream().map(ConsumerRecord::offset).toList();
    }
}
