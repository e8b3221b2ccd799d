package dev.minikafka.client;

/**
 * When the broker acknowledges a produce request. The trade-off is the same as Kafka's {@code acks}, with
 * durability spelled out because MiniKafka runs a single broker.
 */
public enum Acks {
    /** Fire and forget: no response; the record's offset is reported as -1. Lost on any failure. */
    NONE(dev.minikafka.proto.v1.Acks.ACKS_NONE),
    /** Acknowledged once written to the log (the OS page cache). Survives a broker crash, not a power loss. */
    LEADER(dev.minikafka.proto.v1.Acks.ACKS_LEADER),
    /** Acknowledged once fsynced by the broker's group commit. Survives a power loss. */
    DURABLE(dev.minikafka.proto.v1.Acks.ACKS_DURABLE);

    private final dev.minikafka.proto.v1.Acks wire;

    Acks(dev.minikafka.proto.v1.Acks wire) {
        this.wire = wire;
    }

    /** The protocol's value. */
    public dev.minikafka.proto.v1.Acks wire() {
        return wire;
    }
}
