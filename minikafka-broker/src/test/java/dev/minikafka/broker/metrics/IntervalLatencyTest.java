package dev.minikafka.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class IntervalLatencyTest {

    private final IntervalLatency latency = new IntervalLatency();

    @Test
    void shouldReportPercentilesOfTheIntervalInMillisecondsAndStartAfresh() {
        for (int i = 0; i < 98; i++) {
            latency.record(TimeUnit.MILLISECONDS.toNanos(1));
        }
        latency.record(TimeUnit.MILLISECONDS.toNanos(10));
        latency.record(TimeUnit.MILLISECONDS.toNanos(50));

        MetricsSnapshot.Latency interval = latency.takeInterval();

        assertThat(interval.count()).isEqualTo(100);
        assertThat(interval.p50()).isCloseTo(1.0, within(0.02));
        assertThat(interval.p95()).isCloseTo(1.0, within(0.02));
        assertThat(interval.p99()).isCloseTo(10.0, within(0.1));
        assertThat(interval.max()).isCloseTo(50.0, within(0.5));
        assertThat(latency.takeInterval()).as("nothing recorded since").isEqualTo(MetricsSnapshot.Latency.NONE);
    }

    @Test
    void shouldClampLatenciesBeyondTheHistogramsRange() {
        latency.record(TimeUnit.MINUTES.toNanos(5));
        latency.record(-1);
        MetricsSnapshot.Latency interval = latency.takeInterval();
        assertThat(interval.count()).isEqualTo(2);
        assertThat(interval.max()).isCloseTo(60_000.0, within(600.0));
    }
}
