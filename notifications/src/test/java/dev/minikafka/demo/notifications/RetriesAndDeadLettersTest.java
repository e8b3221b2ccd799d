package dev.minikafka.demo.notifications;

import dev.minikafka.demo.common.PaymentEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.cloud.stream.binder.test.EnableTestBinder;
import org.springframework.cloud.stream.binder.test.InputDestination;
import org.springframework.cloud.stream.binder.test.TestChannelBinder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.web.client.RestClient;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failed deliveries are retried by the binding and, after the last attempt, handed to the binder's
 * dead-letter handling; the test binder records that hand-off as its last error, where a real binder
 * publishes to the dead-letter destination.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.stream.default-binder=integration",
        "spring.cloud.stream.bindings.notify-in-0.consumer.back-off-initial-interval=10",
        "spring.cloud.stream.bindings.notify-in-0.consumer.back-off-max-interval=20",
        "notifications.latency=0ms"})
@EnableTestBinder
class RetriesAndDeadLettersTest {

    /** Fails a payment's first {@code failuresOf(customer)} attempts: customer-fail-N fails N times. */
    static class ScriptedSender extends NotificationSender {
        final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

        ScriptedSender(NotificationsProperties properties) {
            super(properties);
        }

        @Override
        protected boolean fails(PaymentEvent payment) {
            int attempt = attempts.computeIfAbsent(payment.id(), id -> new AtomicInteger()).incrementAndGet();
            String customer = payment.customer();
            int failures = customer.startsWith("customer-fail-") ? Integer.parseInt(customer.substring(14)) : 0;
            return attempt <= failures;
        }
    }

    @TestConfiguration
    static class Scripted {
        @Bean
        @Primary
        NotificationSender scriptedSender(NotificationsProperties properties) {
            return new ScriptedSender(properties);
        }
    }

    @Autowired
    InputDestination input;
    @Autowired
    TestChannelBinder binder;
    @Autowired
    NotificationSender sender;
    @LocalServerPort
    int port;

    @BeforeEach
    void resetLastError() {
        binder.resetLastError();
    }

    private static PaymentEvent payment(String customer) {
        String id = UUID.randomUUID().toString();
        return new PaymentEvent(id, "ord-" + id, customer, new BigDecimal("9.99"), "GBP", "PAYPAL", Instant.now());
    }

    private void deliver(PaymentEvent payment) {
        input.send(MessageBuilder.withPayload(payment).setHeader("contentType", "application/json").build(), "payments");
    }

    private Map<String, Object> stats() {
        return RestClient.create("http://127.0.0.1:" + port).get().uri("/stats").retrieve()
                .body(new org.springframework.core.ParameterizedTypeReference<>() { });
    }

    private static long number(Map<String, Object> stats, String field) {
        return ((Number) stats.get(field)).longValue();
    }

    @Test
    void shouldDeliverOnTheRetryAfterAFailedAttempt() {
        Map<String, Object> before = stats();
        PaymentEvent payment = payment("customer-fail-2");

        deliver(payment);

        assertThat(((ScriptedSender) sender).attempts.get(payment.id())).hasValue(3);
        assertThat(binder.getLastError()).isNull();
        Map<String, Object> after = stats();
        assertThat(number(after, "errors") - number(before, "errors")).isEqualTo(2);
        assertThat(number(after, "retries") - number(before, "retries")).isEqualTo(2);
        assertThat(number(after, "dlq") - number(before, "dlq")).isZero();
    }

    @Test
    void shouldDeadLetterAPaymentThatFailsEveryAttempt() {
        Map<String, Object> before = stats();
        PaymentEvent payment = payment("customer-fail-99");

        deliver(payment);

        assertThat(((ScriptedSender) sender).attempts.get(payment.id())).hasValue(3);
        Message<?> deadLetter = binder.getLastError();
        assertThat(deadLetter).as("handed to the binder's dead-letter handling").isNotNull();
        assertThat(deadLetter.getPayload()).isInstanceOf(MessagingException.class);
        assertThat(((MessagingException) deadLetter.getPayload()).getMostSpecificCause())
                .isInstanceOf(DeliveryFailedException.class).hasMessageContaining(payment.id());
        Map<String, Object> after = stats();
        assertThat(number(after, "errors") - number(before, "errors")).isEqualTo(3);
        assertThat(number(after, "retries") - number(before, "retries")).isEqualTo(2);
        assertThat(number(after, "dlq") - number(before, "dlq")).isEqualTo(1);
    }

    @Test
    void shouldCountDeliveredPaymentsAndReportTheSimulation() {
        Map<String, Object> before = stats();
        for (int i = 0; i < 5; i++) {
            deliver(payment("customer-" + i));
        }
        Map<String, Object> after = stats();
        assertThat(number(after, "errors") - number(before, "errors")).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) after.get("details");
        assertThat(details).containsKeys("delivered", "failureRate", "latencyMs");
        assertThat(((Map<?, ?>) after.get("events")).get("total")).isInstanceOf(Number.class);
        assertThat(Set.of("notifications")).contains((String) after.get("group"));
    }
}
