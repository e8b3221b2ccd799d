package dev.minikafka.broker.metrics;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The live metrics stream, under {@code minikafka.broker.metrics.*}.
 *
 * @param interval      how often a snapshot is taken and sent to every stream
 * @param maxStreams    concurrent {@code /api/v1/metrics/stream} clients; past it new ones get 503
 * @param retry         the reconnect delay suggested to clients (the SSE {@code retry:} field)
 * @param streamTimeout how long one stream stays open before the broker ends it and the client reconnects
 *                      (0 = until the client leaves)
 */
@ConfigurationProperties("minikafka.broker.metrics")
public record MetricsProperties(Duration interval, int maxStreams, Duration retry, Duration streamTimeout) {

    public MetricsProperties {
        interval = interval == null || interval.isZero() || interval.isNegative() ? Duration.ofSeconds(1) : interval;
        maxStreams = maxStreams <= 0 ? 32 : maxStreams;
        retry = retry == null ? Duration.ofSeconds(3) : retry;
        streamTimeout = streamTimeout == null ? Duration.ZERO : streamTimeout;
    }
}
