package dev.minikafka.broker.group;

import java.util.Set;

import dev.minikafka.client.TopicPartition;

/**
 * A live group member as the admin API shows it.
 *
 * @param connected false while a static member is away and its partitions wait for it
 */
public record MemberDescription(String memberId, String instanceId, String clientId, int memberEpoch,
                                Set<String> topics, Set<TopicPartition> assignment, boolean connected) {
}
