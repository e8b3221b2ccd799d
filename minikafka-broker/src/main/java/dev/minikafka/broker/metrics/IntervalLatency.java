package dev.minikafka.broker.metrics;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Enqueue latency per snapshot interval. Micrometer's timer keeps percentiles over a decaying window,
 * which lag behind a sudden change; the live stream wants "the last second", so appends are also
 * recorded here and {@link #takeInterval} swaps the histogram out, as HdrHistogram's {@link Recorder}
 * is built to do.
 *
 * <p>Thread-safety: {@link #record} from any thread, wait-free; {@link #takeInterval} from one thread at a time.
 */
final class IntervalLatency {

    /** Longer latencies are recorded as this (one minute), so a stuck fsync cannot overflow the histogram. */
    static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(1);

    /** Two significant digits: percentiles within 1%, in about 20 KiB per histogram. */
    private final Recorder recorder = new Recorder(1, MAX_MICROS, 2);
    private Histogram spare;

    void record(long nanos) {
        recorder.recordValue(Math.max(0, Math.min(MAX_MICROS, TimeUnit.NANOSECONDS.toMicros(nanos))));
    }

    /** Percentiles of everything recorded since the previous call, in milliseconds. */
    synchronized MetricsSnapshot.Latency takeInterval() {
        spare = recorder.getIntervalHistogram(spare);
        long count = spare.getTotalCount();
        if (count == 0) {
            return MetricsSnapshot.Latency.NONE;
        }
        return new MetricsSnapshot.Latency(millis(spare.getValueAtPercentile(50)), millis(spare.getValueAtPercentile(95)),
                millis(spare.getValueAtPercentile(99)), millis(spare.getMaxValue()), count);
    }

    private static double millis(long micros) {
        return micros / 1000.0;
    }
}
