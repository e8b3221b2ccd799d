package dev.minikafka.demo.common;

import java.time.Instant;
import java.util.Map;

/** The {@code GET /stats} answer; its JSON shape is documented field by field in docs/demo-services.md. */
public record Stats(String service, String instance, String role, String destination, String group,
                    Instant time, double uptimeSeconds, Events events, Latencies latencyMs,
                    long errors, long retries, long dlq, Map<String, Object> details) {

    public record Events(long total, double perSecond) {
    }

    public record Latencies(Latency processing, Latency endToEnd) {
    }

    /** Milliseconds; {@code count} and {@code mean} since start, percentiles and {@code max} over the last ~30 s. */
    public record Latency(long count, double mean, double p50, double p95, double p99, double max) {
    }
}
