package dev.minikafka.bench.binder;

import java.time.Instant;

/**
 * The header that carries a record's send time: wall-clock microseconds since the epoch, as a {@code Long}.
 * Producer and consumer are different JVMs on the same machine, so they share the system clock (not
 * {@code nanoTime}, whose origin is per JVM); {@link Instant#now()} reads it to the microsecond on Linux.
 */
final class SentAt {

    static final String HEADER = "bench-sent-at";

    private SentAt() {
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** The header's value as the binder delivered it: a Long on both binders, text or bytes if mapped plainly. */
    static long micros(Object header) {
        return switch (header) {
            case Number n -> n.longValue();
            case String s -> Long.parseLong(s.trim());
            case byte[] b -> Long.parseLong(new String(b, java.nio.charset.StandardCharsets.UTF_8).trim());
            case null -> throw new IllegalArgumentException("a record without the " + HEADER + " header");
            default -> throw new IllegalArgumentException("the " + HEADER + " header is a " + header.getClass().getName());
        };
    }
}
