package dev.minikafka.broker.rest;

import java.util.List;

/** Body of {@code GET /api/v1/topics}: every topic, sorted by name. */
public record TopicList(List<Entry> topics) {

    public record Entry(String name, int partitions) {
    }
}
