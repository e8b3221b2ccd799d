package dev.minikafka.broker.topic;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One-shot wake-ups for readers waiting on a partition: long-poll fetches and caught-up subscriptions
 * register here and are run once when the partition's writer appends more data.
 *
 * <p>Thread-safety: any thread may register; the writer's thread calls {@link #signal()}. A waiter
 * registered while a signal runs may be run by that signal or by the next one, never lost: waiters must
 * re-check the log after registering, since data may have arrived just before.
 */
public final class DataWaiters {

    private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();

    public void register(Runnable waiter) {
        waiters.add(waiter);
    }

    public void unregister(Runnable waiter) {
        waiters.remove(waiter);
    }

    /** Runs (and forgets) every waiter registered so far. Waiters must be quick: they hand work off. */
    public void signal() {
        Runnable waiter;
        while ((waiter = waiters.poll()) != null) {
            waiter.run();
        }
    }

    public boolean isEmpty() {
        return waiters.isEmpty();
    }
}
