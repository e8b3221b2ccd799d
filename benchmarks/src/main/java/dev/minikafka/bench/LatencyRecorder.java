package dev.minikafka.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies in nanoseconds from any number of threads. Writers go through HdrHistogram's {@link Recorder},
 * which is wait-free for them, so send callbacks on the client's threads never contend on a lock.
 * {@link #summary()} may run while writers record; it accumulates what has been recorded so far.
 */
final class LatencyRecorder {

    private static final int SIGNIFICANT_DIGITS = 3;

    private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
    private final Histogram total = new Histogram(SIGNIFICANT_DIGITS);

    void recordNanos(long nanos) {
        recorder.recordValue(Math.max(0, nanos));
    }

    /** Everything recorded since the start (or the last {@link #reset()}). */
    synchronized Histogram histogram() {
        total.add(recorder.getIntervalHistogram());
        return total.copy();
    }

    synchronized LatencySummary summary() {
        return LatencySummary.of(histogram());
    }

    synchronized void reset() {
        recorder.reset();
        total.reset();
    }
}
