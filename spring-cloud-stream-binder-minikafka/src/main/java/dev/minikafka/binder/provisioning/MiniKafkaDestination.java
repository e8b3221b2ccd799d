package dev.minikafka.binder.provisioning;

import org.springframework.cloud.stream.provisioning.ConsumerDestination;
import org.springframework.cloud.stream.provisioning.ProducerDestination;

/**
 * A topic a binding reads or writes, with the partition count it was found or created with. Until the
 * broker has been reached the count is what the binding asked for and {@link #isProvisioned()} is false.
 */
public final class MiniKafkaDestination implements ProducerDestination, ConsumerDestination {

    private final String name;
    private final int wantedPartitions;
    private volatile int partitions;
    private volatile boolean provisioned;

    MiniKafkaDestination(String name, int wantedPartitions) {
        this.name = name;
        this.wantedPartitions = wantedPartitions;
        this.partitions = wantedPartitions;
    }

    @Override
    public String getName() {
        return name;
    }

    /** MiniKafka addresses partitions by number within one topic, so every partition has the topic's name. */
    @Override
    public String getNameForPartition(int partition) {
        return name;
    }

    public int partitions() {
        return partitions;
    }

    int wantedPartitions() {
        return wantedPartitions;
    }

    public boolean isProvisioned() {
        return provisioned;
    }

    void provisioned(int partitionCount) {
        this.partitions = partitionCount;
        this.provisioned = true;
    }

    @Override
    public String toString() {
        return "MiniKafkaDestination{" + name + ", partitions=" + partitions + (provisioned ? "" : ", unprovisioned") + "}";
    }
}
