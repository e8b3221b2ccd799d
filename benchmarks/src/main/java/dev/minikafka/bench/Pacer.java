package dev.minikafka.bench;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Paces one sending thread to a fixed rate on an absolute schedule: permit {@code i} is due at
 * {@code start + i * 1e9 / rate} nanoseconds. A sender that falls behind (a slow send, a GC pause) is not
 * forgiven: the next permits are due at once until it has caught up, so the offered load stays at the
 * target rate over the run instead of drifting below it. Not thread-safe; one pacer per thread.
 */
final class Pacer {

    /** Waits until a nanoTime deadline. Replaced in tests by a fake clock. */
    interface Waiter {
        void waitUntil(long deadlineNanos, LongSupplier clock);
    }

    /**
     * Parks until the deadline. Parking overshoots by tens of microseconds, but the schedule is absolute, so
     * the rate does not drift; spinning instead would burn a core the broker needs on a small machine.
     */
    static final Waiter PARK = (deadline, clock) -> {
        long remaining;
        while ((remaining = deadline - clock.getAsLong()) > 0) {
            LockSupport.parkNanos(remaining);
        }
    };

    private final double nanosPerPermit;
    private final LongSupplier clock;
    private final Waiter waiter;
    private long startNanos;
    private long issued;

    private Pacer(double ratePerSecond, LongSupplier clock, Waiter waiter) {
        this.nanosPerPermit = ratePerSecond > 0 ? 1e9 / ratePerSecond : 0;
        this.clock = clock;
        this.waiter = waiter;
        this.startNanos = clock.getAsLong();
    }

    /** A pacer for {@code ratePerSecond} permits a second; 0 or less means unlimited. */
    static Pacer of(double ratePerSecond) {
        return new Pacer(ratePerSecond, System::nanoTime, PARK);
    }

    static Pacer of(double ratePerSecond, LongSupplier clock, Waiter waiter) {
        return new Pacer(ratePerSecond, clock, waiter);
    }

    boolean unlimited() {
        return nanosPerPermit == 0;
    }

    /** Restarts the schedule now: permit 0 is due immediately. */
    void restart() {
        startNanos = clock.getAsLong();
        issued = 0;
    }

    /** When permit {@code i} is due, in the clock's nanoseconds. */
    long dueNanos(long i) {
        return startNanos + (long) (i * nanosPerPermit);
    }

    /** Blocks until the next permit is due and returns its due time (the send's intended start). */
    long acquire() {
        if (nanosPerPermit == 0) {
            issued++;
            return clock.getAsLong();
        }
        long due = dueNanos(issued++);
        waiter.waitUntil(due, clock);
        return due;
    }
}
