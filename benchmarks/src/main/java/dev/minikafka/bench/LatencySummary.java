package dev.minikafka.bench;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.HdrHistogram.Histogram;

/**
 * Latency percentiles in milliseconds, rounded to the microsecond.
 *
 * @param count how many latencies the percentiles are over
 */
@JsonPropertyOrder({"count", "p50", "p95", "p99", "p999", "max", "mean"})
public record LatencySummary(long count, double p50, double p95, double p99, double p999, double max, double mean) {

    static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0);

    /** Summarises a histogram of nanosecond values. */
    static LatencySummary of(Histogram nanos) {
        if (nanos.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencySummary(
                nanos.getTotalCount(),
                millis(nanos.getValueAtPercentile(50)),
                millis(nanos.getValueAtPercentile(95)),
                millis(nanos.getValueAtPercentile(99)),
                millis(nanos.getValueAtPercentile(99.9)),
                millis(nanos.getMaxValue()),
                millis(nanos.getMean()));
    }

    private static double millis(double nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
