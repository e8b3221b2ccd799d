package dev.minikafka.demo.notifications;

import dev.minikafka.demo.common.PaymentEvent;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.stream.binder.test.EnableTestBinder;
import org.springframework.cloud.stream.binder.test.InputDestination;
import org.springframework.cloud.stream.binder.test.OutputDestination;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Payments arrive in batches; a failed delivery is retried after a back-off and, after its last attempt,
 * published to the dead-letter destination {@code payments.notifications.dlq} (an output binding, so the
 * test binder shows it as it is). The batch returns only when all of it is settled.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.stream.default-binder=integration",
        "notifications.back-off-initial=10ms",
        "notifications.back-off-max=20ms",
        "notifications.latency=1ms"})
@EnableTestBinder
class RetriesAndDeadLettersTest {

    static final String DLQ = "payments.notifications.dlq";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Fails a payment's first N attempts, where its customer is customer-fail-N. */
    static class ScriptedSender extends NotificationSender {
        final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

        ScriptedSender(NotificationsProperties properties, ScheduledExecutorService timers) {
            super(properties, timers);
        }

        @Override
        protected boolean fails(PaymentEvent payment) {
            int attempt = attempts.computeIfAbsent(payment.id(), id -> new AtomicInteger()).incrementAndGet();
            String customer = payment.customer();
            int failures = customer.startsWith("customer-fail-") ? Integer.parseInt(customer.substring(14)) : 0;
            return attempt <= failures;
        }

        int attemptsOf(PaymentEvent payment) {
            return attempts.get(payment.id()).get();
        }
    }

    @TestConfiguration
    static class Scripted {
        @Bean
        @Primary
        NotificationSender scriptedSender(NotificationsProperties properties, ScheduledExecutorService notificationTimers) {
            return new ScriptedSender(properties, notificationTimers);
        }
    }

    @Autowired
    InputDestination input;
    @Autowired
    OutputDestination output;
    @Autowired
    NotificationSender sender;
    @LocalServerPort
    int port;

    private ScriptedSender scripted() {
        return (ScriptedSender) sender;
    }

    private static PaymentEvent payment(String customer) {
        String id = UUID.randomUUID().toString();
        return new PaymentEvent(id, "ord-" + id, customer, new BigDecimal("9.99"), "GBP", "PAYPAL", Instant.now());
    }

    /** One batch, as the binding in batch mode hands it to the function; returns when the batch is settled. */
    private void deliver(PaymentEvent... batch) {
        input.send(MessageBuilder.withPayload(JSON.writeValueAsBytes(List.of(batch)))
                .setHeader("contentType", "application/json").build(), "payments");
    }

    private Map<String, Object> stats() {
        return RestClient.create("http://127.0.0.1:" + port).get().uri("/stats").retrieve()
                .body(new org.springframework.core.ParameterizedTypeReference<>() { });
    }

    private static long number(Map<String, Object> stats, String field) {
        return ((Number) stats.get(field)).longValue();
    }

    private static long total(Map<String, Object> stats) {
        return ((Number) ((Map<?, ?>) stats.get("events")).get("total")).longValue();
    }

    @Test
    void shouldDeliverOnTheRetryAfterAFailedAttempt() {
        Map<String, Object> before = stats();
        PaymentEvent payment = payment("customer-fail-2");

        deliver(payment);

        assertThat(scripted().attemptsOf(payment)).isEqualTo(3);
        assertThat(output.receive(200, DLQ)).isNull();
        Map<String, Object> after = stats();
        assertThat(number(after, "errors") - number(before, "errors")).isEqualTo(2);
        assertThat(number(after, "retries") - number(before, "retries")).isEqualTo(2);
        assertThat(number(after, "dlq") - number(before, "dlq")).isZero();
        assertThat(total(after) - total(before)).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterAPaymentThatFailsEveryAttempt() throws Exception {
        Map<String, Object> before = stats();
        PaymentEvent payment = payment("customer-fail-99");

        deliver(payment);

        assertThat(scripted().attemptsOf(payment)).isEqualTo(3);
        Message<byte[]> deadLetter = output.receive(5000, DLQ);
        assertThat(deadLetter).as("published to the dead-letter destination").isNotNull();
        JsonNode event = JSON.readTree(deadLetter.getPayload());
        assertThat(event.get("id").asString()).isEqualTo(payment.id());
        assertThat(event.get("customer").asString()).isEqualTo("customer-fail-99");
        assertThat(deadLetter.getHeaders().get(DeadLetters.ATTEMPTS)).isEqualTo(3);
        assertThat(deadLetter.getHeaders().get(DeadLetters.EXCEPTION_CLASS)).isEqualTo(DeliveryFailedException.class.getName());
        assertThat((String) deadLetter.getHeaders().get(DeadLetters.EXCEPTION_MESSAGE)).contains(payment.id());
        Map<String, Object> after = stats();
        assertThat(number(after, "errors") - number(before, "errors")).isEqualTo(3);
        assertThat(number(after, "retries") - number(before, "retries")).isEqualTo(2);
        assertThat(number(after, "dlq") - number(before, "dlq")).isEqualTo(1);
        assertThat(total(after) - total(before)).isEqualTo(1);
    }

    @Test
    void shouldSettleEveryPaymentOfABatchBeforeReturning() {
        Map<String, Object> before = stats();
        long deliveredBefore = sender.delivered();
        List<PaymentEvent> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batch.add(payment(i % 10 == 0 ? "customer-fail-1" : "customer-" + i)); // 4 fail once
        }
        batch.add(payment("customer-fail-3"));                                        // 1 fails every attempt

        deliver(batch.toArray(PaymentEvent[]::new));

        // Nothing is waited for here: the binding's call returned only after all 41 were delivered or dead-lettered.
        assertThat(sender.delivered() - deliveredBefore).isEqualTo(40);
        Message<byte[]> deadLetter = output.receive(5000, DLQ);
        assertThat(JSON.readTree(deadLetter.getPayload()).get("id").asString()).isEqualTo(batch.get(40).id());
        Map<String, Object> after = stats();
        assertThat(total(after) - total(before)).isEqualTo(41);
        assertThat(number(after, "errors") - number(before, "errors")).isEqualTo(4 + 3);
        assertThat(number(after, "retries") - number(before, "retries")).isEqualTo(4 + 2);
        assertThat(number(after, "dlq") - number(before, "dlq")).isEqualTo(1);
    }

    @Test
    void shouldReportTheSimulationInTheStats() {
        deliver(payment("customer-1"));
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) stats().get("details");
        assertThat(details).containsEntry("failureRate", 0.01).containsEntry("latencyMs", 1)
                .containsKey("delivered");
        assertThat(stats().get("group")).isEqualTo("notifications");
    }
}
