package dev.minikafka.demo.notifications;

import dev.minikafka.demo.common.DemoProperties;
import dev.minikafka.demo.common.EventMeters;
import dev.minikafka.demo.common.PaymentEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;

/** The notifier on its own: bounded in-flight deliveries, and a dead letter that cannot be published. */
class NotifierTest {

    private final ScheduledExecutorService timers = new ScheduledThreadPoolExecutor(1);
    private final EventMeters meters = new EventMeters(new SimpleMeterRegistry(),
            new DemoProperties("notifications", "consumer", "payments", "notifications", 3, true), Clock.systemUTC());

    @AfterEach
    void stopTimers() {
        timers.shutdownNow();
    }

    private static NotificationsProperties properties(double failureRate, int maxInFlight) {
        return new NotificationsProperties(Duration.ofMillis(5), failureRate, maxInFlight,
                Duration.ofMillis(1), 2.0, Duration.ofMillis(2));
    }

    private static List<PaymentEvent> payments(int count) {
        List<PaymentEvent> payments = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString();
            payments.add(new PaymentEvent(id, "ord-" + id, "customer-" + i, BigDecimal.TEN, "EUR", "CARD", Instant.now()));
        }
        return payments;
    }

    /** Counts deliveries under way at once. */
    static final class CountingSender extends NotificationSender {
        final AtomicInteger underWay = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();

        CountingSender(NotificationsProperties properties, ScheduledExecutorService timers) {
            super(properties, timers);
        }

        @Override
        public CompletableFuture<Void> deliver(PaymentEvent payment) {
            most.accumulateAndGet(underWay.incrementAndGet(), Math::max);
            return super.deliver(payment).whenComplete((ok, failure) -> underWay.decrementAndGet());
        }
    }

    @Test
    void shouldKeepAtMostMaxInFlightDeliveriesUnderWay() {
        NotificationsProperties properties = properties(0, 4);
        CountingSender sender = new CountingSender(properties, timers);
        Notifier notifier = new Notifier(sender, mock(DeadLetters.class), meters, timers, properties, 3);

        notifier.deliverAll(payments(60));

        assertThat(sender.delivered()).isEqualTo(60);
        assertThat(sender.most.get()).isBetween(1, 4);
    }

    @Test
    void shouldFailTheBatchWhenADeadLetterCannotBePublishedAndGiveBackItsSlots() {
        NotificationsProperties properties = properties(0, 5);
        AtomicBoolean failing = new AtomicBoolean(true);
        NotificationSender sender = new NotificationSender(properties, timers) {
            @Override
            protected boolean fails(PaymentEvent payment) {
                return failing.get();
            }
        };
        DeadLetters unreachable = mock(DeadLetters.class);
        doThrow(new IllegalStateException("broker away")).when(unreachable).publish(any(), anyInt(), any());
        Notifier notifier = new Notifier(sender, unreachable, meters, timers, properties, 3);

        // thrown to the binder, which redelivers the batch: nothing is lost
        assertThatThrownBy(() -> notifier.deliverAll(payments(5))).hasMessage("broker away");

        failing.set(false);
        // all 5 slots came back, or this batch would wait for a slot for ever
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> notifier.deliverAll(payments(20)));
        assertThat(sender.delivered()).isEqualTo(20);
    }
}
