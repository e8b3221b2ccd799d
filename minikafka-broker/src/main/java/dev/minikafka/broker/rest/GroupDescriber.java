package dev.minikafka.broker.rest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.springframework.stereotype.Component;

import dev.minikafka.broker.group.CommittedOffset;
import dev.minikafka.broker.group.GroupCoordinator;
import dev.minikafka.broker.group.GroupDescription;
import dev.minikafka.broker.group.GroupsView;
import dev.minikafka.broker.group.MemberDescription;
import dev.minikafka.broker.topic.Topic;
import dev.minikafka.broker.topic.TopicRegistry;
import dev.minikafka.client.TopicPartition;

/** Groups as the admin API shows them: the coordinator's view joined with the logs' end offsets. */
@Component
class GroupDescriber {

    private static final Comparator<TopicPartition> BY_TOPIC_THEN_PARTITION =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final GroupCoordinator coordinator;
    private final TopicRegistry topics;

    GroupDescriber(GroupCoordinator coordinator, TopicRegistry topics) {
        this.coordinator = coordinator;
        this.topics = topics;
    }

    GroupList list() {
        List<GroupList.Entry> entries = new ArrayList<>();
        for (GroupsView.GroupSnapshot group : coordinator.groups()) {
            long lag = 0;
            for (Map.Entry<TopicPartition, Long> committed : group.committed().entrySet()) {
                Long end = logEndOffset(committed.getKey());
                lag += end == null ? 0 : Math.max(0, end - committed.getValue());
            }
            entries.add(new GroupList.Entry(group.groupId(), group.state(), group.members(), lag));
        }
        return new GroupList(entries);
    }

    GroupDetails describe(String groupId) {
        GroupDescription group = coordinator.describe(groupId);
        Map<TopicPartition, String> owners = new HashMap<>();
        List<GroupDetails.Member> members = new ArrayList<>();
        for (MemberDescription m : group.members()) {
            List<GroupDetails.Assigned> assigned = m.assignment().stream().sorted(BY_TOPIC_THEN_PARTITION)
                    .map(tp -> new GroupDetails.Assigned(tp.topic(), tp.partition())).toList();
            m.assignment().forEach(tp -> owners.put(tp, m.memberId()));
            members.add(new GroupDetails.Member(m.memberId(), m.instanceId(), m.clientId(), m.memberEpoch(),
                    new TreeSet<>(m.topics()), assigned, m.connected()));
        }
        TreeSet<TopicPartition> partitions = new TreeSet<>(BY_TOPIC_THEN_PARTITION);
        partitions.addAll(group.committed().keySet());
        partitions.addAll(owners.keySet());
        List<GroupDetails.Partition> rows = new ArrayList<>();
        long totalLag = 0;
        for (TopicPartition tp : partitions) {
            Long end = logEndOffset(tp);
            if (end == null) {
                continue; // the topic was deleted meanwhile
            }
            CommittedOffset committed = group.committed().get(tp);
            Long lag = committed == null ? null : Math.max(0, end - committed.offset());
            totalLag += lag == null ? 0 : lag;
            rows.add(new GroupDetails.Partition(tp.topic(), tp.partition(), committed == null ? null : committed.offset(),
                    end, lag, committed == null || committed.metadata() == null || committed.metadata().isEmpty()
                            ? null : committed.metadata(),
                    committed == null || committed.commitTimeMs() == 0 ? null : Instant.ofEpochMilli(committed.commitTimeMs()),
                    owners.get(tp)));
        }
        return new GroupDetails(groupId, group.state().name(), totalLag, members, rows);
    }

    private Long logEndOffset(TopicPartition tp) {
        Topic topic = topics.find(tp.topic());
        return topic == null || !topic.hasPartition(tp.partition()) ? null : topic.log(tp.partition()).logEndOffset();
    }
}
