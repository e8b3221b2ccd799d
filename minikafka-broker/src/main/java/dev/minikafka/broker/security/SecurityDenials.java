package dev.minikafka.broker.security;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts and logs every refusal: {@code minikafka.security.denied} tagged by operation, resource type,
 * reason (unauthenticated or denied) and transport (grpc or http). The log line names the principal,
 * operation and resource, never a token or key.
 */
public final class SecurityDenials {

    private static final Logger log = LoggerFactory.getLogger(SecurityDenials.class);
    static final String METER = "minikafka.security.denied";

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

    public SecurityDenials(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A call without valid credentials; {@code why} must not contain the credentials. */
    public void unauthenticated(String transport, String operation, String why) {
        counter("unauthenticated", transport, operation, "none").increment();
        log.warn("Unauthenticated {} {} refused: {}", transport, printable(operation), why);
    }

    /** An authenticated principal refused an operation on a resource. */
    public void denied(String transport, String principal, String operation, String resourceType, String resource) {
        counter("denied", transport, operation, resourceType).increment();
        log.warn("Denied {} {} on {} '{}' to principal '{}'", transport, operation, resourceType, printable(resource),
                printable(principal));
    }

    /** Client-chosen names go to the log without line breaks or control characters, and bounded. */
    static String printable(String text) {
        String bounded = text.length() > 255 ? text.substring(0, 255) + "..." : text;
        return bounded.replaceAll("\\p{Cntrl}", "?");
    }

    private Counter counter(String reason, String transport, String operation, String resourceType) {
        return counters.computeIfAbsent(reason + '|' + transport + '|' + operation + '|' + resourceType,
                key -> Counter.builder(METER)
                        .description("Requests refused by authentication or authorization")
                        .tag("reason", reason)
                        .tag("transport", transport)
                        .tag("operation", operation)
                        .tag("resource_type", resourceType)
                        .register(registry));
    }
}
