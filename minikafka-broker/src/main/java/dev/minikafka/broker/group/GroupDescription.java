package dev.minikafka.broker.group;

import java.util.List;
import java.util.Map;

import dev.minikafka.client.TopicPartition;

/** A group as the admin API shows it: state, live members with their assignments, committed offsets. */
public record GroupDescription(String groupId, GroupState state, List<MemberDescription> members,
                               Map<TopicPartition, CommittedOffset> committed) {
}
