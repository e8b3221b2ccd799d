package dev.minikafka.demo.payments;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Calls {@code emit} at a steady rate from one thread, whatever the rate: each turn it works out how many
 * events are due since the rate was last set ({@code rate × elapsed − emitted}) and emits them back to back,
 * then parks until the next one is due (at most {@value #MAX_PARK_MILLIS} ms). Tens of thousands of
 * events per second cost one thread, not one timer per event.
 *
 * <p>When emitting falls behind (a slow destination), at most one second's worth of debt is kept: the
 * emitter does not burst to catch up on minutes of backlog. {@link #setRate} and {@link #stop} may be
 * called from any thread.
 */
final class PacedEmitter {

    static final long MAX_PARK_MILLIS = 5;

    private final BooleanSupplier emit;
    private final LongSupplier nanoTime;
    private final String threadName;

    private volatile double eventsPerSecond;
    private volatile long rateEpoch;
    private volatile Thread thread;

    /** @param emit sends one event; {@code false} when it failed (the event still counts as emitted) */
    PacedEmitter(BooleanSupplier emit, double eventsPerSecond, LongSupplier nanoTime, String threadName) {
        this.emit = emit;
        this.nanoTime = nanoTime;
        this.threadName = threadName;
        setRate(eventsPerSecond);
    }

    synchronized void start() {
        if (thread != null) {
            return;
        }
        Thread started = Thread.ofPlatform().name(threadName).daemon().unstarted(this::run);
        thread = started;
        started.start();
    }

    synchronized void stop() {
        Thread running = thread;
        thread = null;
        if (running != null) {
            LockSupport.unpark(running);
            try {
                running.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean isRunning() {
        return thread != null;
    }

    double eventsPerSecond() {
        return eventsPerSecond;
    }

    synchronized void setRate(double eventsPerSecond) {
        if (!(eventsPerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive: " + eventsPerSecond);
        }
        this.eventsPerSecond = eventsPerSecond;
        rateEpoch++;
        LockSupport.unpark(thread);
    }

    private void run() {
        Thread self = Thread.currentThread();
        long epoch = -1;
        long origin = 0;
        long emitted = 0;
        double rate = 0;
        while (thread == self) {
            if (epoch != rateEpoch) {
                // A new rate (or the first turn) starts a new schedule from now.
                epoch = rateEpoch;
                rate = eventsPerSecond;
                origin = nanoTime.getAsLong();
                emitted = 0;
            }
            long now = nanoTime.getAsLong();
            long due = (long) ((now - origin) * rate / 1e9) - emitted;
            long oneSecond = Math.max(1, (long) rate);
            if (due > oneSecond) {
                // Fell behind: forgive all but one second of the backlog.
                emitted += due - oneSecond;
                due = oneSecond;
            }
            for (long i = 0; i < due && thread == self && epoch == rateEpoch; i++) {
                emit.getAsBoolean();
                emitted++;
            }
            if (due <= 0) {
                long nextDue = origin + (long) ((emitted + 1) * 1e9 / rate);
                long park = Math.min(nextDue - nanoTime.getAsLong(), TimeUnit.MILLISECONDS.toNanos(MAX_PARK_MILLIS));
                if (park > 0) {
                    LockSupport.parkNanos(this, park);
                }
            }
        }
    }
}
