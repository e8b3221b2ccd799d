package dev.minikafka.broker.topic;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One-shot wake-ups for readers waiting on a partition: long-poll fetches and caught-up subscriptions
 * register here and are run once when the partition's writer appends more data.
 *
 * <p>Thread-safety: any thread may register; the writer's thread calls {@link #signal()}. A waiter
 * registered while a signal runs may be run by that signal or by the next one, never lost: waiters must
 * re-check the log after registering, since data may have arrived just before.
 *
 * <p>A waiter is held at most once however often it registers (a set, not a queue): a long-poll fetch
 * registers, re-reads and registers again, and one that ends by timeout or cancellation unregisters once, so
 * a queue kept a stale copy per fetch on a partition nobody writes to, without bound.
 */
public final class DataWaiters {

    private final Set<Runnable> waiters = ConcurrentHashMap.newKeySet();

    public void register(Runnable waiter) {
        waiters.add(waiter);
    }

    public void unregister(Runnable waiter) {
        waiters.remove(waiter);
    }

    /** Runs (and forgets) every waiter registered so far. Waiters must be quick: they hand work off. */
    public void signal() {
        if (waiters.isEmpty()) {
            return; // the common case on the append path: nobody waits, nothing to iterate
        }
        for (Runnable waiter : waiters) {
            if (waiters.remove(waiter)) {
                waiter.run();
            }
        }
    }

    public boolean isEmpty() {
        return waiters.isEmpty();
    }
}
