package dev.minikafka.bench.binder;

import java.util.Locale;

import org.HdrHistogram.Histogram;

/**
 * End-to-end latency and throughput of the records after the warm-up: latency is receive time minus the
 * send stamp, in microseconds; throughput is the measured records over the time from the first measured
 * record's send to the last record's receipt, so a consumer that falls behind the producer counts against it.
 * Not thread-safe: one consumer thread records, see {@link BenchConsumer}.
 */
final class EndToEnd {

    private final int warmupRecords;
    /** Microseconds, up to an hour, three significant digits. */
    private final Histogram latency = new Histogram(3_600_000_000L, 3);
    private int seen;
    private long firstMeasuredSent;
    private long firstMeasuredReceived;
    private long lastReceived;

    EndToEnd(int warmupRecords) {
        this.warmupRecords = warmupRecords;
    }

    void record(long sentMicros, long receivedMicros) {
        if (++seen <= warmupRecords) {
            return;
        }
        if (seen == warmupRecords + 1) {
            firstMeasuredSent = sentMicros;
            firstMeasuredReceived = receivedMicros;
        }
        lastReceived = receivedMicros;
        latency.recordValue(Math.max(0, receivedMicros - sentMicros));
    }

    long measured() {
        return latency.getTotalCount();
    }

    /** Measured records per second, send of the first to receipt of the last. */
    double throughput() {
        long micros = lastReceived - firstMeasuredSent;
        return micros > 0 ? measured() * 1e6 / micros : 0;
    }

    /** Measured records per second as the consumer saw them arrive, receipt of the first to the last. */
    double consumeRate() {
        long micros = lastReceived - firstMeasuredReceived;
        return micros > 0 ? measured() * 1e6 / micros : 0;
    }

    double millis(double percentile) {
        return latency.getValueAtPercentile(percentile) / 1000.0;
    }

    String text(int received, int expected) {
        return String.format(Locale.ROOT, "consumer: %,d of %,d records (%,d measured after %,d warm-up)%n"
                        + "  end-to-end throughput %,.0f records/s (consumed at %,.0f records/s)%n"
                        + "  latency ms: p50 %.3f  p95 %.3f  p99 %.3f  p99.9 %.3f  max %.3f",
                received, expected, measured(), warmupRecords, throughput(), consumeRate(),
                millis(50), millis(95), millis(99), millis(99.9), latency.getMaxValue() / 1000.0);
    }

    String json(BenchProperties props, int received) {
        return String.format(Locale.ROOT, "{\"role\":\"consumer\",\"records\":%d,\"received\":%d,\"warmupRecords\":%d,"
                        + "\"measured\":%d,\"rate\":%d,\"payloadSize\":%d,\"throughput\":%.0f,\"consumeRate\":%.0f,"
                        + "\"latencyMs\":{\"p50\":%.3f,\"p95\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f}}",
                props.records(), received, warmupRecords, measured(), props.rate(), props.payloadSize(), throughput(),
                consumeRate(), millis(50), millis(95), millis(99), millis(99.9), latency.getMaxValue() / 1000.0);
    }
}
