package dev.minikafka.broker.metrics;

import java.util.List;

import dev.minikafka.broker.group.GroupsView;

/**
 * Groups as read at one moment: what a snapshot computes lag and queue depth from, so that every partition
 * is measured against the same offsets. With no groups, the view of a broker without a coordinator.
 */
record FixedGroups(List<GroupSnapshot> groups, long rebalanceCount) implements GroupsView {

    static final FixedGroups NONE = new FixedGroups(List.of(), 0);

    static FixedGroups of(GroupsView view) {
        return new FixedGroups(view.groups(), view.rebalanceCount());
    }
}
