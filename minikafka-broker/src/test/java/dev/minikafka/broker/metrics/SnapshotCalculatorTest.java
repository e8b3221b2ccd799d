package dev.minikafka.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.minikafka.broker.metrics.MetricsSnapshot.GroupMetrics;
import dev.minikafka.broker.metrics.MetricsSnapshot.Latency;
import dev.minikafka.broker.metrics.MetricsSnapshot.PartitionLag;
import dev.minikafka.broker.metrics.MetricsSnapshot.PartitionMetrics;
import dev.minikafka.broker.metrics.MetricsSnapshot.Rates;
import dev.minikafka.client.TopicPartition;

class SnapshotCalculatorTest {

    private static final long SECOND = 1_000_000_000L;

    private final SnapshotCalculator calculator = new SnapshotCalculator();
    private final FakeGroups groups = new FakeGroups();

    private static PartitionReading reading(String topic, int partition, long eventsIn, long bytesIn, long eventsOut,
            long bytesOut, long logStart, long logEnd) {
        return new PartitionReading(new TopicPartition(topic, partition), eventsIn, bytesIn, eventsOut, bytesOut,
                logStart, logEnd, 0, 0);
    }

    private MetricsSnapshot next(long nanos, PartitionReading... readings) {
        return calculator.next(1_700_000_000_000L + nanos / 1_000_000, nanos, List.of(readings), groups, Latency.NONE, 2, 3);
    }

    private static PartitionMetrics partition(MetricsSnapshot snapshot, String topic, int partition) {
        return snapshot.topics().stream().filter(t -> t.topic().equals(topic)).findFirst().orElseThrow()
                .partitions().stream().filter(p -> p.partition() == partition).findFirst().orElseThrow();
    }

    @Test
    void shouldReportZeroRatesInTheFirstSnapshotAndCounterGrowthPerRealSecondAfterwards() {
        MetricsSnapshot first = next(0, reading("orders", 0, 100, 1000, 0, 0, 0, 100), reading("orders", 1, 0, 0, 0, 0, 0, 0));
        assertThat(first.seq()).isEqualTo(1);
        assertThat(first.intervalMs()).isZero();
        assertThat(first.totals()).isEqualTo(Rates.ZERO);
        assertThat(partition(first, "orders", 0).rates()).isEqualTo(Rates.ZERO);

        MetricsSnapshot second = next(2 * SECOND, reading("orders", 0, 300, 5000, 50, 400, 0, 300),
                reading("orders", 1, 10, 100, 0, 0, 0, 10));

        assertThat(second.seq()).isEqualTo(2);
        assertThat(second.ts()).isEqualTo(first.ts() + 2000);
        assertThat(second.intervalMs()).isEqualTo(2000);
        assertThat(partition(second, "orders", 0).rates()).isEqualTo(new Rates(100, 2000, 25, 200));
        assertThat(partition(second, "orders", 1).rates()).isEqualTo(new Rates(5, 50, 0, 0));
        assertThat(second.topics().getFirst().rates()).isEqualTo(new Rates(105, 2050, 25, 200));
        assertThat(second.totals()).isEqualTo(new Rates(105, 2050, 25, 200));
    }

    @Test
    void shouldRoundRatesToOneDecimalOverAnUnevenInterval() {
        next(0, reading("orders", 0, 0, 0, 0, 0, 0, 0));
        MetricsSnapshot snapshot = next(3 * SECOND, reading("orders", 0, 10, 1, 0, 0, 0, 10));
        assertThat(partition(snapshot, "orders", 0).rates()).isEqualTo(new Rates(3.3, 0.3, 0, 0));
    }

    @Test
    void shouldCountAPartitionSeenForTheFirstTimeOrWhoseCountersWentBackwardsFromZero() {
        next(0, reading("old", 0, 500, 5000, 500, 5000, 0, 500));
        MetricsSnapshot snapshot = next(SECOND, reading("new", 0, 30, 300, 0, 0, 0, 30),
                reading("old", 0, 40, 400, 10, 100, 0, 40)); // "old" was deleted and created again

        assertThat(partition(snapshot, "new", 0).rates()).isEqualTo(new Rates(30, 300, 0, 0));
        assertThat(partition(snapshot, "old", 0).rates()).isEqualTo(new Rates(40, 400, 10, 100));
        assertThat(snapshot.totals()).isEqualTo(new Rates(70, 700, 10, 100));
    }

    @Test
    void shouldListTopicsWithTheirPartitionsInReadingOrder() {
        MetricsSnapshot snapshot = next(0, reading("a", 0, 0, 0, 0, 0, 0, 1), reading("a", 1, 0, 0, 0, 0, 0, 2),
                reading("b", 0, 0, 0, 0, 0, 3, 7));

        assertThat(snapshot.topics()).extracting(MetricsSnapshot.TopicMetrics::topic).containsExactly("a", "b");
        assertThat(snapshot.topics().get(0).partitions()).extracting(PartitionMetrics::partition).containsExactly(0, 1);
        PartitionMetrics b0 = partition(snapshot, "b", 0);
        assertThat(b0.logStartOffset()).isEqualTo(3);
        assertThat(b0.logEndOffset()).isEqualTo(7);
    }

    @Test
    void shouldComputeLagPerPartitionAndPerGroupSkippingPartitionsThatNoLongerExist() {
        TopicPartition t0 = new TopicPartition("t", 0);
        TopicPartition t1 = new TopicPartition("t", 1);
        groups.group("audit", "EMPTY", 0, Map.of(t0, 300L, new TopicPartition("gone", 0), 5L))
                .group("billing", "STABLE", 2, Map.of(t1, 10L, t0, 250L));
        groups.rebalances = 7;

        MetricsSnapshot snapshot = next(0, reading("t", 0, 0, 0, 0, 0, 0, 300), reading("t", 1, 0, 0, 0, 0, 0, 14));

        assertThat(snapshot.groups()).extracting(GroupMetrics::group).containsExactly("audit", "billing");
        GroupMetrics audit = snapshot.groups().get(0);
        assertThat(audit.lag()).isZero();
        assertThat(audit.partitions()).containsExactly(new PartitionLag("t", 0, 300, 300, 0));
        GroupMetrics billing = snapshot.groups().get(1);
        assertThat(billing.state()).isEqualTo("STABLE");
        assertThat(billing.members()).isEqualTo(2);
        assertThat(billing.partitions()).containsExactly(new PartitionLag("t", 0, 250, 300, 50),
                new PartitionLag("t", 1, 10, 14, 4));
        assertThat(billing.lag()).isEqualTo(54);
        assertThat(snapshot.active()).isEqualTo(new MetricsSnapshot.Active(2, 3, 1, 2, 7));
    }

    @Test
    void shouldNeverReportNegativeLagForACommitAheadOfTheLogEnd() {
        groups.group("g", "STABLE", 1, Map.of(new TopicPartition("t", 0), 20L));
        MetricsSnapshot snapshot = next(0, reading("t", 0, 0, 0, 0, 0, 0, 10));
        assertThat(snapshot.groups().getFirst().lag()).isZero();
    }

    @Test
    void shouldMeasureQueueDepthFromTheSlowestGroupOrFromTheLogStartWhenNoGroupCommitted() {
        TopicPartition t0 = new TopicPartition("t", 0);
        TopicPartition t2 = new TopicPartition("t", 2);
        groups.group("fast", "STABLE", 1, Map.of(t0, 250L, t2, 40L))
                .group("slow", "STABLE", 1, Map.of(t0, 120L));

        MetricsSnapshot snapshot = next(0, reading("t", 0, 0, 0, 0, 0, 100, 300), reading("t", 1, 0, 0, 0, 0, 5, 10),
                reading("t", 2, 0, 0, 0, 0, 60, 90));

        assertThat(partition(snapshot, "t", 0).queueDepth()).as("log end minus the slowest commit").isEqualTo(180);
        assertThat(partition(snapshot, "t", 1).queueDepth()).as("nobody committed: all retained").isEqualTo(5);
        assertThat(partition(snapshot, "t", 2).queueDepth()).as("a commit below the log start").isEqualTo(30);
    }

    @Test
    void shouldPassThroughPendingAppendsAndLatency() {
        Latency latency = new Latency(0.5, 1.5, 2.5, 3.0, 42);
        MetricsSnapshot snapshot = calculator.next(1, 0, List.of(new PartitionReading(new TopicPartition("t", 0),
                0, 0, 0, 0, 0, 0, 4096, 3)), groups, latency, 0, 0);
        PartitionMetrics p = partition(snapshot, "t", 0);
        assertThat(p.pendingAppendBytes()).isEqualTo(4096);
        assertThat(p.pendingAppends()).isEqualTo(3);
        assertThat(snapshot.latencyMs()).isEqualTo(latency);
    }
}
