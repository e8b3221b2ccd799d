package dev.minikafka.broker.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.support.StaticListableBeanFactory;

import dev.minikafka.broker.group.GroupsView;
import dev.minikafka.client.TopicPartition;

/** A groups view the test fills in: groups with their state, members and committed offsets. */
final class FakeGroups implements GroupsView {

    private final List<GroupSnapshot> groups = new ArrayList<>();
    long rebalances;

    FakeGroups group(String id, String state, int members, Map<TopicPartition, Long> committed) {
        groups.add(new GroupSnapshot(id, state, members, committed));
        return this;
    }

    void clear() {
        groups.clear();
    }

    @Override
    public List<GroupSnapshot> groups() {
        return List.copyOf(groups);
    }

    @Override
    public long rebalanceCount() {
        return rebalances;
    }

    /** The source the metrics classes look the view up through, as Spring would hand it over. */
    GroupsSource source() {
        return new GroupsSource(new StaticListableBeanFactory(Map.of("groups", this)).getBeanProvider(GroupsView.class));
    }
}
