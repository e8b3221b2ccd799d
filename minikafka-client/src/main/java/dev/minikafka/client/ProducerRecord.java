package dev.minikafka.client;

import java.util.List;
import java.util.Objects;

import dev.minikafka.protocol.Header;

/**
 * A record to send. With no partition the producer picks one: the murmur2 hash of the key (so keys map to
 * the same partitions as in Kafka), or, for records without a key, a partition kept until its batch fills.
 * With no timestamp the producer stamps the current time.
 */
public record ProducerRecord(String topic, Integer partition, Long timestamp, byte[] key, byte[] value,
                             List<Header> headers) {

    public ProducerRecord {
        Objects.requireNonNull(topic, "topic");
        if (partition != null && partition < 0) {
            throw new IllegalArgumentException("partition must not be negative: " + partition);
        }
        if (timestamp != null && timestamp < 0) {
            throw new IllegalArgumentException("timestamp must not be negative: " + timestamp);
        }
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public ProducerRecord(String topic, byte[] key, byte[] value) {
        this(topic, null, null, key, value, List.of());
    }

    public ProducerRecord(String topic, byte[] value) {
        this(topic, null, null, null, value, List.of());
    }
}
