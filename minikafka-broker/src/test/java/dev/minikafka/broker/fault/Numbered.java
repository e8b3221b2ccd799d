package dev.minikafka.broker.fault;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.TopicPartition;

/** Records whose value is their sequence number, so a test can say which ones came back and where. */
final class Numbered {

    private Numbered() {
    }

    static ProducerRecord record(String topic, long number) {
        return new ProducerRecord(topic, Long.toString(number).getBytes(StandardCharsets.UTF_8));
    }

    static long number(ConsumerRecord record) {
        return Long.parseLong(new String(record.value(), StandardCharsets.UTF_8));
    }

    /** Reads {@code partition} from its start until {@code count} records came or 30 s passed. */
    static List<ConsumerRecord> readFromStart(String bootstrap, TopicPartition partition, long count) {
        List<ConsumerRecord> records = new ArrayList<>();
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap)
                .requestTimeout(Duration.ofSeconds(10)).build())) {
            consumer.assign(Set.of(partition));
            consumer.seekToBeginning(Set.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                records.addAll(consumer.poll(Duration.ofMillis(200)));
            }
        }
        return records;
    }
}
