package dev.minikafka.client;

/**
 * Where an acknowledged record was written. The offset is -1 with {@link Acks#NONE}; the timestamp is the
 * record's create time, or the broker's append time for topics that use log-append time.
 */
public record RecordMetadata(String topic, int partition, long offset, long timestamp) {
}
