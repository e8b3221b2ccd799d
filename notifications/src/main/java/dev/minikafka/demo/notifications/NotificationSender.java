package dev.minikafka.demo.notifications;

import dev.minikafka.demo.common.PaymentEvent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Simulates delivering a notification, the way a client of a push or e-mail API does it: the request is
 * sent, and its answer arrives {@code latency} later, with failure probability {@code failureRate}. Nothing
 * waits on a thread in between (the answer is a timer on {@code timers}), so many deliveries can be under
 * way at once, as over one HTTP/2 connection. Thread-safe.
 */
public class NotificationSender {

    private final NotificationsProperties properties;
    private final ScheduledExecutorService timers;
    private final LongAdder delivered = new LongAdder();

    public NotificationSender(NotificationsProperties properties, ScheduledExecutorService timers) {
        this.properties = properties;
        this.timers = timers;
    }

    /** One delivery attempt; completes when it was delivered, or exceptionally with {@link DeliveryFailedException}. */
    public CompletableFuture<Void> deliver(PaymentEvent payment) {
        CompletableFuture<Void> answer = new CompletableFuture<>();
        long nanos = properties.latency().toNanos();
        if (nanos > 0) {
            timers.schedule(() -> answer(payment, answer), nanos, TimeUnit.NANOSECONDS);
        } else {
            answer(payment, answer);
        }
        return answer;
    }

    private void answer(PaymentEvent payment, CompletableFuture<Void> answer) {
        try {
            if (fails(payment)) {
                answer.completeExceptionally(new DeliveryFailedException(
                        "could not notify " + payment.customer() + " of payment " + payment.id()));
                return;
            }
            delivered.increment();
            answer.complete(null);
        } catch (RuntimeException e) {
            answer.completeExceptionally(e);
        }
    }

    /** Whether this attempt fails; tests override it to fail chosen attempts. */
    protected boolean fails(PaymentEvent payment) {
        double rate = properties.failureRate();
        return rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
    }

    public long delivered() {
        return delivered.sum();
    }

    long latencyMillis() {
        return TimeUnit.NANOSECONDS.toMillis(properties.latency().toNanos());
    }

    double failureRate() {
        return properties.failureRate();
    }
}
