package dev.minikafka.client;

import java.util.Objects;

/** One partition of one topic. */
public record TopicPartition(String topic, int partition) {

    public TopicPartition {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must not be negative: " + partition);
        }
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
