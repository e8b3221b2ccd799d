package dev.minikafka.demo.common;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Events per second over the last few whole seconds, from a small ring of per-second counts.
 * Thread-safe; recording is a couple of atomic operations and allocates nothing.
 */
final class EventRate {

    /** Seconds averaged over; the current, incomplete second is left out. */
    static final int WINDOW_SECONDS = 5;
    private static final int SLOTS = WINDOW_SECONDS + 3;

    private final AtomicLongArray counts = new AtomicLongArray(SLOTS);
    private final AtomicLongArray slotSecond = new AtomicLongArray(SLOTS);
    private final LongSupplier currentMillis;

    EventRate(LongSupplier currentMillis) {
        this.currentMillis = currentMillis;
        for (int i = 0; i < SLOTS; i++) {
            slotSecond.set(i, -1);
        }
    }

    void record(long events) {
        long second = currentMillis.getAsLong() / 1000;
        int slot = (int) (second % SLOTS);
        long owner = slotSecond.get(slot);
        if (owner != second) {
            // The slot still holds a second that has left the window: the first writer of the new second resets it.
            synchronized (this) {
                if (slotSecond.get(slot) != second) {
                    counts.set(slot, 0);
                    slotSecond.set(slot, second);
                }
            }
        }
        counts.addAndGet(slot, events);
    }

    double perSecond() {
        long now = currentMillis.getAsLong() / 1000;
        long sum = 0;
        for (long second = now - WINDOW_SECONDS; second < now; second++) {
            int slot = (int) (second % SLOTS);
            if (slotSecond.get(slot) == second) {
                sum += counts.get(slot);
            }
        }
        return (double) sum / WINDOW_SECONDS;
    }
}
