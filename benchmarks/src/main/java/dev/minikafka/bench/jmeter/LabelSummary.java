package dev.minikafka.bench.jmeter;

import java.util.Arrays;
import java.util.List;

/**
 * Counts, error rate, throughput and response-time percentiles of the samples of one label (or of several,
 * as a total). Percentiles are nearest-rank over every sample, failed ones included, as in JMeter's own
 * statistics table; throughput is samples per second between the first start and the last end.
 */
public record LabelSummary(String label, long count, long errors, double perSecond, long p50, long p95, long p99, long max) {

    public static LabelSummary of(String label, List<JtlReader.Sample> samples) {
        if (samples.isEmpty()) {
            return new LabelSummary(label, 0, 0, 0, 0, 0, 0, 0);
        }
        long[] elapsed = new long[samples.size()];
        long errors = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (int i = 0; i < elapsed.length; i++) {
            JtlReader.Sample sample = samples.get(i);
            elapsed[i] = sample.elapsed();
            errors += sample.success() ? 0 : 1;
            first = Math.min(first, sample.timeStamp());
            last = Math.max(last, sample.timeStamp() + sample.elapsed());
        }
        Arrays.sort(elapsed);
        double seconds = Math.max(1, last - first) / 1000.0;
        return new LabelSummary(label, elapsed.length, errors, elapsed.length / seconds,
                percentile(elapsed, 50), percentile(elapsed, 95), percentile(elapsed, 99), elapsed[elapsed.length - 1]);
    }

    /** Nearest rank: the smallest value with at least p % of the values at or below it. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    public double errorPercent() {
        return count == 0 ? 0 : 100.0 * errors / count;
    }
}
