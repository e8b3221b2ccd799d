package dev.minikafka.broker.metrics;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import dev.minikafka.broker.group.GroupsView;

/**
 * The broker's {@link GroupsView}, looked up on first use rather than injected: the group coordinator
 * depends on topics, which depend on the metrics, so a constructor dependency would be a cycle. A broker
 * without a coordinator bean has no groups.
 */
@Component
final class GroupsSource {

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

    private final ObjectProvider<GroupsView> provider;
    private volatile GroupsView resolved;

    GroupsSource(ObjectProvider<GroupsView> provider) {
        this.provider = provider;
    }

    GroupsView get() {
        GroupsView view = resolved;
        if (view == null) {
            view = provider.getIfAvailable(() -> NO_GROUPS);
            resolved = view;
        }
        return view;
    }
}
