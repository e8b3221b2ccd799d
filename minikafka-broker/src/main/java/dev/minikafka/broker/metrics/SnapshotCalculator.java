package dev.minikafka.broker.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.minikafka.broker.group.GroupsView;
import dev.minikafka.broker.group.GroupsView.GroupSnapshot;
import dev.minikafka.broker.metrics.MetricsSnapshot.Active;
import dev.minikafka.broker.metrics.MetricsSnapshot.GroupMetrics;
import dev.minikafka.broker.metrics.MetricsSnapshot.Latency;
import dev.minikafka.broker.metrics.MetricsSnapshot.PartitionLag;
import dev.minikafka.broker.metrics.MetricsSnapshot.PartitionMetrics;
import dev.minikafka.broker.metrics.MetricsSnapshot.Rates;
import dev.minikafka.broker.metrics.MetricsSnapshot.TopicMetrics;
import dev.minikafka.client.TopicPartition;

/**
 * Turns readings into snapshots: rates from the counters' growth since the previous snapshot divided by
 * the real time between them, lag and queue depth from one read of the groups. Plain computation with
 * no clock or Spring of its own, so tests drive it with made-up readings and groups.
 *
 * <p>Not thread-safe: the snapshotter's single thread owns it.
 */
final class SnapshotCalculator {

    private static final Comparator<PartitionLag> BY_PARTITION =
            Comparator.comparing(PartitionLag::topic).thenComparingInt(PartitionLag::partition);

    private Map<TopicPartition, PartitionReading> previous = Map.of();
    private long previousNanos;
    private long seq;

    /**
     * @param readings  every partition, sorted by topic and partition
     * @param groups    the groups, read once here so that lag and queue depth agree within the snapshot
     * @param nanoTime  a monotonic clock reading ({@link System#nanoTime}), for the interval
     */
    MetricsSnapshot next(long epochMillis, long nanoTime, List<PartitionReading> readings, GroupsView groups,
            Latency latency, int producers, int consumers) {
        double seconds = seq == 0 ? 0 : (nanoTime - previousNanos) / 1e9;
        FixedGroups frozen = FixedGroups.of(groups);
        List<GroupSnapshot> groupList = frozen.groups();

        Map<TopicPartition, PartitionReading> current = new HashMap<>(readings.size() * 2);
        Map<String, List<PartitionMetrics>> byTopic = new LinkedHashMap<>();
        for (PartitionReading reading : readings) {
            current.put(reading.partition(), reading);
            long depth = frozen.queueDepth(reading.partition(), reading.logStartOffset(), reading.logEndOffset());
            byTopic.computeIfAbsent(reading.partition().topic(), t -> new ArrayList<>())
                    .add(new PartitionMetrics(reading.partition().partition(),
                            rates(reading, previous.get(reading.partition()), seconds), reading.logStartOffset(),
                            reading.logEndOffset(), depth, reading.pendingAppendBytes(), reading.pendingAppends()));
        }
        List<TopicMetrics> topics = new ArrayList<>(byTopic.size());
        Rates totals = Rates.ZERO;
        for (Map.Entry<String, List<PartitionMetrics>> topic : byTopic.entrySet()) {
            Rates sum = Rates.ZERO;
            for (PartitionMetrics partition : topic.getValue()) {
                sum = sum.plus(partition.rates());
            }
            topics.add(new TopicMetrics(topic.getKey(), round(sum), topic.getValue()));
            totals = totals.plus(sum);
        }

        List<GroupMetrics> groupMetrics = new ArrayList<>(groupList.size());
        int activeGroups = 0;
        int members = 0;
        for (GroupSnapshot group : groupList) {
            groupMetrics.add(lag(group, current));
            members += group.members();
            if (group.members() > 0) {
                activeGroups++;
            }
        }

        previous = current;
        previousNanos = nanoTime;
        seq++;
        long intervalMs = Math.round(seconds * 1000);
        return new MetricsSnapshot(seq, epochMillis, intervalMs, round(totals), latency,
                new Active(producers, consumers, activeGroups, members, frozen.rebalanceCount()), topics, groupMetrics);
    }

    private static GroupMetrics lag(GroupSnapshot group, Map<TopicPartition, PartitionReading> partitions) {
        List<PartitionLag> lags = new ArrayList<>(group.committed().size());
        long total = 0;
        for (Map.Entry<TopicPartition, Long> committed : group.committed().entrySet()) {
            PartitionReading reading = partitions.get(committed.getKey());
            if (reading == null) {
                continue; // the topic was deleted (or shrank): no log end to measure against
            }
            long lag = Math.max(0, reading.logEndOffset() - committed.getValue());
            total += lag;
            lags.add(new PartitionLag(committed.getKey().topic(), committed.getKey().partition(), committed.getValue(),
                    reading.logEndOffset(), lag));
        }
        lags.sort(BY_PARTITION);
        return new GroupMetrics(group.groupId(), group.state(), group.members(), total, lags);
    }

    /** Growth per second; a counter that went backwards was recreated (topic deleted and created again). */
    private static Rates rates(PartitionReading now, PartitionReading before, double seconds) {
        if (seconds <= 0) {
            return Rates.ZERO;
        }
        return round(new Rates(
                perSecond(now.eventsIn(), before == null ? 0 : before.eventsIn(), seconds),
                perSecond(now.bytesIn(), before == null ? 0 : before.bytesIn(), seconds),
                perSecond(now.eventsOut(), before == null ? 0 : before.eventsOut(), seconds),
                perSecond(now.bytesOut(), before == null ? 0 : before.bytesOut(), seconds)));
    }

    private static double perSecond(long now, long before, double seconds) {
        long delta = now >= before ? now - before : now;
        return delta / seconds;
    }

    /** One decimal: enough for a chart, and it keeps the JSON short. */
    private static Rates round(Rates rates) {
        return new Rates(round(rates.eventsInPerSec()), round(rates.bytesInPerSec()),
                round(rates.eventsOutPerSec()), round(rates.bytesOutPerSec()));
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
