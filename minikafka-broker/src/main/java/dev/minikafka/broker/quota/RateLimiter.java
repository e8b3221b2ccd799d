package dev.minikafka.broker.quota;

import java.time.Duration;

import io.github.bucket4j.Bucket;

/**
 * The token buckets of one quota: one for events, one for bytes (either absent when unlimited). Traffic
 * is always admitted and then paid for: a bucket may go into debt, and the debt is how long the client
 * must wait before its next request (Kafka's quotas work the same way: throttle after the fact, never
 * drop data). Thread-safe: Bucket4j's local buckets are lock-free.
 */
final class RateLimiter {

    private final Quota quota;
    private final Bucket events;
    private final Bucket bytes;

    RateLimiter(Quota quota, long burstMillis) {
        this.quota = quota;
        this.events = quota.eventsPerSecond() == 0 ? null : bucket(quota.eventsPerSecond(), burstMillis);
        this.bytes = quota.bytesPerSecond() == 0 ? null : bucket(quota.bytesPerSecond(), burstMillis);
    }

    Quota quota() {
        return quota;
    }

    /** Spends {@code eventCount} events and {@code byteCount} bytes; returns the nanoseconds to wait (0 = none). */
    long spend(long eventCount, long byteCount) {
        long wait = 0;
        if (events != null && eventCount > 0) {
            wait = events.consumeIgnoringRateLimits(eventCount);
        }
        if (bytes != null && byteCount > 0) {
            wait = Math.max(wait, bytes.consumeIgnoringRateLimits(byteCount));
        }
        return wait;
    }

    /** The nanoseconds until this limiter is out of debt (may be spent from again); 0 when it is now. */
    long debtNanos() {
        return Math.max(debtNanos(events), debtNanos(bytes));
    }

    private static long debtNanos(Bucket bucket) {
        if (bucket == null || bucket.getAvailableTokens() > 0) {
            return 0;
        }
        return bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
    }

    private static Bucket bucket(long perSecond, long burstMillis) {
        long capacity = Math.max(1, perSecond * burstMillis / 1000);
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(capacity).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .build();
    }
}
