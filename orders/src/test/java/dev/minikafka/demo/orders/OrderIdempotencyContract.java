package dev.minikafka.demo.orders;

import dev.minikafka.demo.common.PaymentEvent;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.stream.binder.test.EnableTestBinder;
import org.springframework.cloud.stream.binder.test.InputDestination;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.messaging.support.MessageBuilder;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What Orders promises on any database: one order per payment however often it is delivered. Runs on H2
 * and on PostgreSQL through thin subclasses.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "spring.cloud.stream.default-binder=integration")
@EnableTestBinder
abstract class OrderIdempotencyContract {

    @Autowired
    InputDestination input;
    @Autowired
    OrderRepository orders;
    @Autowired
    OrderService service;

    static PaymentEvent payment() {
        String id = UUID.randomUUID().toString();
        return new PaymentEvent(id, "ord-" + id, "customer-0007", new BigDecimal("42.50"), "EUR", "CARD",
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    private void deliver(PaymentEvent payment) {
        input.send(MessageBuilder.withPayload(payment).setHeader("contentType", "application/json").build(), "payments");
    }

    @Test
    void shouldCreateAnOrderFromAPaymentEvent() {
        PaymentEvent payment = payment();
        deliver(payment);

        Order order = orders.findByPaymentId(payment.id()).orElseThrow();
        assertThat(order.getOrderId()).isEqualTo(payment.orderId());
        assertThat(order.getCustomer()).isEqualTo("customer-0007");
        assertThat(order.getAmount()).isEqualByComparingTo("42.50");
        assertThat(order.getCurrency()).isEqualTo("EUR");
        assertThat(order.getMethod()).isEqualTo("CARD");
        assertThat(order.getPaidAt()).isEqualTo(payment.timestamp());
    }

    @Test
    void shouldNotCreateASecondOrderForARedeliveredPayment() {
        PaymentEvent payment = payment();
        long duplicatesBefore = service.duplicates();

        deliver(payment);
        deliver(payment);
        deliver(payment);

        assertThat(orders.countByPaymentId(payment.id())).isEqualTo(1);
        assertThat(service.duplicates() - duplicatesBefore).isEqualTo(2);
    }

    @Test
    void shouldSettleConcurrentDeliveriesOfOnePaymentByTheUniqueConstraint() throws Exception {
        PaymentEvent payment = payment();
        int deliveries = 6;
        CountDownLatch go = new CountDownLatch(1);
        List<Callable<OrderService.Outcome>> tasks = new ArrayList<>();
        for (int i = 0; i < deliveries; i++) {
            tasks.add(() -> {
                go.await();
                return service.createOrder(payment);
            });
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(deliveries)) {
            List<Future<OrderService.Outcome>> outcomes = new ArrayList<>();
            for (Callable<OrderService.Outcome> task : tasks) {
                outcomes.add(pool.submit(task));
            }
            go.countDown();
            long created = 0;
            for (Future<OrderService.Outcome> outcome : outcomes) {
                if (outcome.get() == OrderService.Outcome.CREATED) {
                    created++;
                }
            }
            assertThat(created).isEqualTo(1);
        }
        assertThat(orders.countByPaymentId(payment.id())).isEqualTo(1);
    }

    @Test
    void shouldRejectASecondRowForOnePaymentInTheDatabaseItself() {
        PaymentEvent payment = payment();
        orders.saveAndFlush(new Order("a", payment.id(), "c", BigDecimal.ONE, "EUR", "CARD", Instant.now(), Instant.now()));

        assertThatThrownBy(() -> orders.saveAndFlush(
                new Order("b", payment.id(), "c", BigDecimal.ONE, "EUR", "CARD", Instant.now(), Instant.now())))
                .isInstanceOf(DataIntegrityViolationException.class);
    }
}
