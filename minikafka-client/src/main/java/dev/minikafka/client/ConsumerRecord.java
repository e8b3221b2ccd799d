package dev.minikafka.client;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.minikafka.protocol.Header;

/** A record read from a partition. */
public record ConsumerRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                             List<Header> headers) {

    /** The key as UTF-8 text, or null. */
    public String keyAsString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** The value as UTF-8 text, or null. */
    public String valueAsString() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }
}
