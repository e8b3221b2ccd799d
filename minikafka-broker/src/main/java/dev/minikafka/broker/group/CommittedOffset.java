package dev.minikafka.broker.group;

/** A group's committed position in one partition: the next offset it will read. */
public record CommittedOffset(long offset, String metadata, long commitTimeMs) {
}
