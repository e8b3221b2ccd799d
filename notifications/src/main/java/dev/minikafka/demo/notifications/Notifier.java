package dev.minikafka.demo.notifications;

import dev.minikafka.demo.common.EventMeters;
import dev.minikafka.demo.common.PaymentEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Notifies the customers of a batch of payments: starts every delivery without waiting for the one before (at
 * most {@code maxInFlight} under way), retries a failed delivery after a back-off until {@code maxAttempts}
 * attempts failed, then hands the payment to the {@link DeadLetters}, and returns only when every payment of
 * the batch was delivered or dead-lettered. So the binder commits a batch only after all of it is settled:
 * a crash before that redelivers the batch (at least once, as before; a customer may be notified twice).
 * Deliveries of one batch overlap, so one customer's notifications may finish out of order.
 *
 * <p>Why retries live here and not in the binder: with the binder's per-event retries the delivery latency
 * is waited out on the consumer thread, one event after another, which capped a consumer at a few hundred
 * events/s (docs/benchmarks.md); with the binder's batch retries a whole batch would be redelivered for one
 * failed event. Thread-safe: the consumer threads share it; completions run on the timer thread.
 */
public class Notifier {

    private static final Logger log = LoggerFactory.getLogger(Notifier.class);

    private final NotificationSender sender;
    private final DeadLetters deadLetters;
    private final EventMeters meters;
    private final ScheduledExecutorService timers;
    private final NotificationsProperties properties;
    private final int maxAttempts;
    private final Semaphore inFlight;

    public Notifier(NotificationSender sender, DeadLetters deadLetters, EventMeters meters,
                    ScheduledExecutorService timers, NotificationsProperties properties, int maxAttempts) {
        this.sender = sender;
        this.deadLetters = deadLetters;
        this.meters = meters;
        this.timers = timers;
        this.properties = properties;
        this.maxAttempts = Math.max(1, maxAttempts);
        this.inFlight = new Semaphore(properties.maxInFlight());
    }

    /** Delivers or dead-letters every payment of {@code batch}; throws if a dead letter could not be published. */
    public void deliverAll(List<PaymentEvent> batch) {
        Settled settled = new Settled(batch.size());
        try {
            for (PaymentEvent payment : batch) {
                inFlight.acquire();
                attempt(payment, 1, settled);
            }
            settled.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while notifying a batch of " + batch.size(), e);
        }
    }

    private void attempt(PaymentEvent payment, int attempt, Settled settled) {
        long start = System.nanoTime();
        try {
            sender.deliver(payment).whenComplete((delivered, failure) -> {
                try {
                    if (failure == null) {
                        meters.handled(payment, System.nanoTime() - start);
                        settle(settled, null);
                    } else {
                        failed(payment, attempt, failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure, settled);
                    }
                } catch (RuntimeException | Error e) {
                    unexpected(payment, e, settled);
                }
            });
        } catch (RuntimeException e) {
            unexpected(payment, e, settled);
        }
    }

    private void failed(PaymentEvent payment, int attempt, Throwable failure, Settled settled) {
        meters.attemptFailed(attempt);
        if (attempt < maxAttempts) {
            timers.schedule(() -> {
                meters.retrying();
                attempt(payment, attempt + 1, settled);
            }, properties.backOffAfter(attempt).toNanos(), TimeUnit.NANOSECONDS);
            return;
        }
        RuntimeException unpublished = null;
        try {
            deadLetters.publish(payment, attempt, failure);
        } catch (RuntimeException e) {
            unpublished = e;
        }
        settle(settled, unpublished);
    }

    /** A bug or a broken timer: the batch must still end, failed, so the binder redelivers it instead of hanging. */
    private void unexpected(PaymentEvent payment, Throwable e, Settled settled) {
        log.error("Notifying payment {} failed unexpectedly", payment.id(), e);
        settle(settled, new IllegalStateException("notifying payment " + payment.id() + " failed unexpectedly", e));
    }

    private void settle(Settled settled, RuntimeException failure) {
        inFlight.release();
        settled.settle(failure);
    }

    /** The payments of one batch still under way, and the first dead letter that could not be published. */
    private static final class Settled {
        private final CountDownLatch remaining;
        private volatile RuntimeException failure;

        Settled(int size) {
            remaining = new CountDownLatch(size);
        }

        void settle(RuntimeException failure) {
            if (failure != null && this.failure == null) {
                this.failure = failure;
            }
            remaining.countDown();
        }

        void await() throws InterruptedException {
            remaining.await();
            if (failure != null) {
                throw failure; // the binder retries the batch: at least once, never lost
            }
        }
    }
}
