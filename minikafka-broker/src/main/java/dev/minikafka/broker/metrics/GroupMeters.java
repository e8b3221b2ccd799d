package dev.minikafka.broker.metrics;

import java.util.ArrayList;
import java.util.List;

import dev.minikafka.broker.metrics.MetricsSnapshot.GroupMetrics;
import dev.minikafka.broker.metrics.MetricsSnapshot.PartitionLag;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * Consumer-group meters. Groups and their partitions come and go, so lag and members are multi-gauges
 * whose rows are replaced by each snapshot (a group that disappeared loses its rows); the broker-wide
 * counts read the latest snapshot too, so Prometheus and the live stream agree.
 *
 * <p>Thread-safety: {@link #update} from the snapshotter's thread; gauges are read by any scraper.
 */
final class GroupMeters {

    private final MultiGauge lag;
    private final MultiGauge totalLag;
    private final MultiGauge members;
    private volatile MetricsSnapshot.Active active = new MetricsSnapshot.Active(0, 0, 0, 0, 0);

    GroupMeters(MeterRegistry registry, GroupsSource groups) {
        lag = MultiGauge.builder("minikafka.group.lag")
                .description("Log end offset minus the group's committed offset, per partition").register(registry);
        totalLag = MultiGauge.builder("minikafka.group.total.lag")
                .description("A group's lag summed over its partitions").register(registry);
        members = MultiGauge.builder("minikafka.group.members")
                .description("A group's live members").register(registry);
        Gauge.builder("minikafka.groups.active", this, m -> m.active.groups())
                .description("Groups with at least one live member").register(registry);
        Gauge.builder("minikafka.groups.members", this, m -> m.active.members())
                .description("Live members over all groups").register(registry);
        FunctionCounter.builder("minikafka.groups.rebalances", groups, g -> g.get().rebalanceCount())
                .description("Rebalances started since the broker started").register(registry);
    }

    void update(MetricsSnapshot snapshot) {
        List<MultiGauge.Row<?>> lagRows = new ArrayList<>();
        List<MultiGauge.Row<?>> totalRows = new ArrayList<>(snapshot.groups().size());
        List<MultiGauge.Row<?>> memberRows = new ArrayList<>(snapshot.groups().size());
        for (GroupMetrics group : snapshot.groups()) {
            Tags groupTag = Tags.of("group", group.group());
            totalRows.add(MultiGauge.Row.of(groupTag, group.lag()));
            memberRows.add(MultiGauge.Row.of(groupTag, group.members()));
            for (PartitionLag partition : group.partitions()) {
                lagRows.add(MultiGauge.Row.of(groupTag.and("topic", partition.topic(),
                        "partition", Integer.toString(partition.partition())), partition.lag()));
            }
        }
        lag.register(lagRows, true);
        totalLag.register(totalRows, true);
        members.register(memberRows, true);
        active = snapshot.active();
    }
}
