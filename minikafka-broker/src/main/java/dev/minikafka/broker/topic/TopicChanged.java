package dev.minikafka.broker.topic;

/**
 * Published (as a Spring application event, synchronously) after a topic was created or deleted, so that
 * consumer groups reading it rebalance and forget its offsets.
 */
public record TopicChanged(String topic, Change change) {

    /** What happened to the topic. */
    public enum Change { CREATED, DELETED }
}
