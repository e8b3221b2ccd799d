package dev.minikafka.broker.rest;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import dev.minikafka.broker.group.GroupsView;
import dev.minikafka.broker.topic.PartitionState;
import dev.minikafka.broker.topic.Topic;
import dev.minikafka.client.TopicPartition;

/**
 * A topic as {@code GET /api/v1/topics/{topic}} shows it: the partitions' states plus the queue depth that
 * consumer groups' committed offsets define. Without a {@link GroupsView} bean (a broker built without
 * groups) every partition counts as having no group.
 */
@Component
class TopicDescriber {

    private static final GroupsView NO_GROUPS = new GroupsView() {
        @Override
        public List<GroupSnapshot> groups() {
            return List.of();
        }

        @Override
        public long rebalanceCount() {
            return 0;
        }
    };

    private final ObjectProvider<GroupsView> groups;

    TopicDescriber(ObjectProvider<GroupsView> groups) {
        this.groups = groups;
    }

    TopicDetails describe(Topic topic) {
        GroupsView view = groups.getIfAvailable(() -> NO_GROUPS);
        List<TopicDetails.Partition> partitions = new ArrayList<>(topic.partitionCount());
        for (int p = 0; p < topic.partitionCount(); p++) {
            PartitionState state = topic.state(p);
            long depth = view.queueDepth(new TopicPartition(topic.name(), p), state.logStartOffset(), state.logEndOffset());
            partitions.add(new TopicDetails.Partition(p, state.logStartOffset(), state.logEndOffset(), state.sizeBytes(),
                    state.segmentCount(), depth, state.pendingAppendBytes()));
        }
        return new TopicDetails(topic.name(), topic.createdAt(), topic.config(), partitions);
    }
}
