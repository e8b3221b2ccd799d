package dev.minikafka.broker.group;

import java.util.Set;

import dev.minikafka.client.TopicPartition;

/** A member session for tests that speak to the coordinator directly: it remembers the member's latest epoch. */
final class EpochSession implements MemberSession {

    volatile int epoch;

    @Override
    public void assign(String memberId, int memberEpoch, Set<TopicPartition> partitions, long heartbeatIntervalMs,
            long sessionTimeoutMs) {
        epoch = memberEpoch;
    }

    @Override
    public void fence(String reason) {
    }
}
