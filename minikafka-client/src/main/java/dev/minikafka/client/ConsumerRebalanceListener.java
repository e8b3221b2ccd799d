package dev.minikafka.client;

import java.util.Collection;

/**
 * Told when the broker moves partitions to or from this consumer of a group. Called on the thread that
 * calls {@link MiniKafkaConsumer#poll}, inside {@code poll}, as in Kafka.
 */
public interface ConsumerRebalanceListener {

    /**
     * These partitions are being taken away. Commit what was processed from them now (auto-commit does it
     * right after this returns); the broker gives them to their new owner only once this consumer has
     * let them go.
     */
    void onPartitionsRevoked(Collection<TopicPartition> partitions);

    /** These partitions are now this consumer's; reading starts at the group's committed offsets. */
    void onPartitionsAssigned(Collection<TopicPartition> partitions);

    /**
     * These partitions were lost without a clean hand-off (the session expired or the broker was
     * unreachable): another member may already own them, so nothing should be committed for them.
     */
    default void onPartitionsLost(Collection<TopicPartition> partitions) {
        onPartitionsRevoked(partitions);
    }

    /** A listener that does nothing. */
    ConsumerRebalanceListener NONE = new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    };
}
