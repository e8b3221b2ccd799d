package dev.minikafka.bench;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Paces one sending thread to a fixed rate on an absolute schedule: permit {@code i} is due at
 * {@code start + i * 1e9 / rate} nanoseconds. A sender that falls behind (a slow send, a GC pause) is not
 * forgiven: the next permits are due at once until it has caught up, so the offered load stays at the
 * target rate over the run instead of drifting below it. Not thread-safe; one pacer per thread.
 *
 * <p>A pacer with a tick wakes once per tick at most and then issues every permit due by the tick's end,
 * as Kafka's {@code ProducerPerformance} sleeps only once it is 2 ms ahead. Without a tick, 16 threads
 * sharing 200,000 records a second wake 200,000 times a second; on two cores that run queue, not the broker,
 * set the ack latency's tail.
 */
final class Pacer {

    /** Waits until a nanoTime deadline. Replaced in tests by a fake clock. */
    interface Waiter {
        void waitUntil(long deadlineNanos, LongSupplier clock);
    }

    /**
     * Parks until the deadline. Parking overshoots by tens of microseconds, but the schedule is absolute, so
     * the rate does not drift; spinning instead would burn a core the broker needs on a small machine. An
     * interrupt (a run stopped at its deadline) ends the wait: parking returns at once while the thread is
     * interrupted, so waiting on would spin.
     */
    static final Waiter PARK = (deadline, clock) -> {
        long remaining;
        while ((remaining = deadline - clock.getAsLong()) > 0 && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(remaining);
        }
    };

    private final double nanosPerPermit;
    private final long tickNanos;
    private final LongSupplier clock;
    private final Waiter waiter;
    private long startNanos;
    private long issued;

    private Pacer(double ratePerSecond, Duration tick, LongSupplier clock, Waiter waiter) {
        this.nanosPerPermit = ratePerSecond > 0 ? 1e9 / ratePerSecond : 0;
        this.tickNanos = Math.max(1, tick.toNanos());
        this.clock = clock;
        this.waiter = waiter;
        this.startNanos = clock.getAsLong();
    }

    /** A pacer for {@code ratePerSecond} permits a second, each released when due; 0 or less means unlimited. */
    static Pacer of(double ratePerSecond) {
        return of(ratePerSecond, Duration.ZERO);
    }

    /** A pacer for {@code ratePerSecond} permits a second released in bursts at the end of each {@code tick}. */
    static Pacer of(double ratePerSecond, Duration tick) {
        return new Pacer(ratePerSecond, tick, System::nanoTime, PARK);
    }

    static Pacer of(double ratePerSecond, Duration tick, LongSupplier clock, Waiter waiter) {
        return new Pacer(ratePerSecond, tick, clock, waiter);
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

    /**
     * Blocks until the next permit is due (with a tick: until the end of the tick it falls in, unless it is
     * already due) or the thread is interrupted, and returns its due time (the send's intended start).
     */
    long acquire() {
        if (nanosPerPermit == 0) {
            issued++;
            return clock.getAsLong();
        }
        long due = dueNanos(issued++);
        if (due - clock.getAsLong() > 0) {
            waiter.waitUntil(startNanos + Math.ceilDiv(due - startNanos, tickNanos) * tickNanos, clock);
        }
        return due;
    }
}
