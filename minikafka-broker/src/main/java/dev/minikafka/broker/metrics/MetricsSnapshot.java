package dev.minikafka.broker.metrics;

import java.util.List;

/**
 * What the broker looks like over one snapshot interval: the body of {@code GET /api/v1/metrics} and of
 * every {@code snapshot} event on {@code /api/v1/metrics/stream}. The schema is documented in
 * {@code docs/metrics.md}; rename nothing without updating it and the dashboard.
 *
 * @param seq        increasing number of this snapshot (also the SSE event id); restarts at 1 with the broker
 * @param ts         when it was taken, epoch milliseconds
 * @param intervalMs the real time since the previous snapshot, over which rates and latency are measured
 * @param totals     rates over all partitions
 * @param latencyMs  enqueue latency (request arrival to ack) of appends acked during the interval
 * @param active     what is connected now
 * @param topics     every topic, sorted by name, with its partitions
 * @param groups     every consumer group the broker knows, sorted by id
 */
public record MetricsSnapshot(
        long seq,
        long ts,
        long intervalMs,
        Rates totals,
        Latency latencyMs,
        Active active,
        List<TopicMetrics> topics,
        List<GroupMetrics> groups) {

    /** Per-second rates; "in" is appended by producers, "out" is delivered to consumers. */
    public record Rates(double eventsInPerSec, double bytesInPerSec, double eventsOutPerSec, double bytesOutPerSec) {

        static final Rates ZERO = new Rates(0, 0, 0, 0);

        Rates plus(Rates other) {
            return new Rates(eventsInPerSec + other.eventsInPerSec, bytesInPerSec + other.bytesInPerSec,
                    eventsOutPerSec + other.eventsOutPerSec, bytesOutPerSec + other.bytesOutPerSec);
        }
    }

    /** Percentiles in milliseconds; null (and count 0) when nothing was acked during the interval. */
    public record Latency(Double p50, Double p95, Double p99, Double max, long count) {

        static final Latency NONE = new Latency(null, null, null, null, 0);
    }

    /**
     * @param producers  open produce streams
     * @param consumers  open subscriptions plus fetches in progress (waiting long polls included)
     * @param groups     groups with at least one live member
     * @param members    live members over all groups
     * @param rebalances rebalances started since the broker started
     */
    public record Active(int producers, int consumers, int groups, int members, long rebalances) {
    }

    public record TopicMetrics(String topic, Rates rates, List<PartitionMetrics> partitions) {
    }

    /**
     * @param queueDepth         records not yet consumed by every group reading the partition (log end minus the
     *                           smallest committed offset; everything retained when no group has committed)
     * @param pendingAppendBytes bytes queued for the partition's writer, not yet in the log
     * @param pendingAppends     produce requests queued for the writer
     */
    public record PartitionMetrics(int partition, Rates rates, long logStartOffset, long logEndOffset, long queueDepth,
            long pendingAppendBytes, long pendingAppends) {
    }

    /**
     * @param state      {@code EMPTY}, {@code RECONCILING} or {@code STABLE}
     * @param lag        sum of the partitions' lag
     * @param partitions every partition the group has committed on, sorted by topic and partition
     */
    public record GroupMetrics(String group, String state, int members, long lag, List<PartitionLag> partitions) {
    }

    /** Lag is the partition's log end offset minus the group's committed offset, never negative. */
    public record PartitionLag(String topic, int partition, long committedOffset, long logEndOffset, long lag) {
    }
}
