package dev.minikafka.demo.notifications;

import dev.minikafka.demo.common.PaymentEvent;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/** Simulates delivering a notification: it takes {@code latency} and fails with {@code failureRate}. Thread-safe. */
public class NotificationSender {

    private final NotificationsProperties properties;
    private final LongAdder delivered = new LongAdder();

    public NotificationSender(NotificationsProperties properties) {
        this.properties = properties;
    }

    public void deliver(PaymentEvent payment) {
        long nanos = properties.latency().toNanos();
        if (nanos > 0) {
            LockSupport.parkNanos(nanos);
        }
        if (fails(payment)) {
            throw new DeliveryFailedException("could not notify " + payment.customer() + " of payment " + payment.id());
        }
        delivered.increment();
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
