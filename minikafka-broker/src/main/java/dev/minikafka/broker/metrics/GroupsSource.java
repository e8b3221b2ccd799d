package dev.minikafka.broker.metrics;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import dev.minikafka.broker.group.GroupsView;

/**
 * The broker's {@link GroupsView}, looked up on first use rather than injected: topics depend on the
 * metrics, so injecting the coordinator here would be a cycle as soon as it depends on topics. A broker
 * without a {@code GroupsView} bean has no groups.
 */
@Component
final class GroupsSource {

    private final ObjectProvider<GroupsView> provider;
    private volatile GroupsView resolved;

    GroupsSource(ObjectProvider<GroupsView> provider) {
        this.provider = provider;
    }

    GroupsView get() {
        GroupsView view = resolved;
        if (view == null) {
            view = provider.getIfAvailable(() -> FixedGroups.NONE);
            resolved = view;
        }
        return view;
    }
}
