package dev.minikafka.client;

import java.util.Map;

/** The outcome of {@link MiniKafkaConsumer#commitAsync}; called on a gRPC thread, so it must not block. */
@FunctionalInterface
public interface OffsetCommitCallback {

    /** @param failure null when the offsets were stored */
    void onComplete(Map<TopicPartition, Long> offsets, MiniKafkaException failure);
}
