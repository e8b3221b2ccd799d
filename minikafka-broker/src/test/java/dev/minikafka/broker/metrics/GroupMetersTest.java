package dev.minikafka.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.minikafka.broker.metrics.MetricsSnapshot.Active;
import dev.minikafka.broker.metrics.MetricsSnapshot.GroupMetrics;
import dev.minikafka.broker.metrics.MetricsSnapshot.Latency;
import dev.minikafka.broker.metrics.MetricsSnapshot.PartitionLag;
import dev.minikafka.broker.metrics.MetricsSnapshot.Rates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class GroupMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeGroups groups = new FakeGroups();
    private final GroupMeters meters = new GroupMeters(registry, groups.source());

    private static MetricsSnapshot snapshot(Active active, GroupMetrics... groups) {
        return new MetricsSnapshot(1, 0, 0, Rates.ZERO, Latency.NONE, active, List.of(), List.of(groups));
    }

    private double gauge(String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    @Test
    void shouldPublishLagAndMembersOfTheGroupsInTheLatestSnapshotOnly() {
        meters.update(snapshot(new Active(0, 0, 1, 2, 0),
                new GroupMetrics("billing", "STABLE", 2, 54, List.of(new PartitionLag("t", 0, 250, 300, 50),
                        new PartitionLag("t", 1, 10, 14, 4))),
                new GroupMetrics("audit", "EMPTY", 0, 0, List.of())));

        assertThat(gauge("minikafka.group.lag", "group", "billing", "topic", "t", "partition", "0")).isEqualTo(50);
        assertThat(gauge("minikafka.group.lag", "group", "billing", "topic", "t", "partition", "1")).isEqualTo(4);
        assertThat(gauge("minikafka.group.total.lag", "group", "billing")).isEqualTo(54);
        assertThat(gauge("minikafka.group.total.lag", "group", "audit")).isZero();
        assertThat(gauge("minikafka.group.members", "group", "billing")).isEqualTo(2);
        assertThat(gauge("minikafka.groups.active")).isEqualTo(1);
        assertThat(gauge("minikafka.groups.members")).isEqualTo(2);

        meters.update(snapshot(new Active(0, 0, 0, 0, 0), new GroupMetrics("audit", "EMPTY", 0, 0, List.of())));

        assertThat(registry.find("minikafka.group.lag").tag("group", "billing").gauges()).as("gone with its group").isEmpty();
        assertThat(registry.find("minikafka.group.total.lag").tag("group", "billing").gauges()).isEmpty();
        assertThat(registry.find("minikafka.group.total.lag").tag("group", "audit").gauges()).hasSize(1);
        assertThat(gauge("minikafka.groups.active")).isZero();
    }

    @Test
    void shouldCountRebalancesFromTheGroupsView() {
        groups.rebalances = 3;
        assertThat(registry.get("minikafka.groups.rebalances").functionCounter().count()).isEqualTo(3);
        groups.rebalances = 5;
        assertThat(registry.get("minikafka.groups.rebalances").functionCounter().count()).isEqualTo(5);
    }
}
