package dev.minikafka.broker.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Per-connection limits of the gRPC server that Spring gRPC has no property for, under
 * {@code minikafka.broker.limits.*}. The keep-alive and idle limits ({@code spring.grpc.server.keep-alive.*})
 * and the metadata limit ({@code spring.grpc.server.max-inbound-metadata-size}) are Spring gRPC's own
 * properties; the broker's defaults for them are in {@code application.yml}. See docs/operations.md.
 *
 * @param maxConcurrentCallsPerConnection streams one connection may have open at once; past it a new call
 *                                        waits for one to end (HTTP/2 {@code MAX_CONCURRENT_STREAMS}), so
 *                                        one client cannot hold an unbounded number of calls
 * @param handshakeTimeout                a connection that has not finished its HTTP/2 preface (and TLS
 *                                        handshake) by then is closed: a slow-loris client holds a socket for
 *                                        this long at most (gRPC's own default is 120 s)
 */
@ConfigurationProperties("minikafka.broker.limits")
public record ConnectionLimits(int maxConcurrentCallsPerConnection, Duration handshakeTimeout) {

    public ConnectionLimits {
        maxConcurrentCallsPerConnection = maxConcurrentCallsPerConnection <= 0 ? 1000 : maxConcurrentCallsPerConnection;
        handshakeTimeout = handshakeTimeout == null || handshakeTimeout.isZero() || handshakeTimeout.isNegative()
                ? Duration.ofSeconds(10) : handshakeTimeout;
    }
}
