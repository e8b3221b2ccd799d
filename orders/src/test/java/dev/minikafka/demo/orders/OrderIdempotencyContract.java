package dev.minikafka.demo.orders;

import dev.minikafka.demo.common.PaymentEvent;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.stream.binder.test.EnableTestBinder;
import org.springframework.cloud.stream.binder.test.InputDestination;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.messaging.support.MessageBuilder;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
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
 * What Orders promises on any database: one order per payment however often, and in whatever batches, it is
 * delivered. Runs on H2 and on PostgreSQL through thin subclasses.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "spring.cloud.stream.default-binder=integration")
@EnableTestBinder
abstract class OrderIdempotencyContract {

    private static final JsonMapper JSON = JsonMapper.builder().build();

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

    /** One delivery of a batch, as the binding in batch mode hands it to the function: a JSON array. */
    private void deliver(PaymentEvent... batch) {
        byte[] json = JSON.writeValueAsBytes(List.of(batch));
        input.send(MessageBuilder.withPayload(json).setHeader("contentType", "application/json").build(), "payments");
    }

    private static List<String> ids(PaymentEvent... payments) {
        return Arrays.stream(payments).map(PaymentEvent::id).toList();
    }

    private long stored(PaymentEvent... payments) {
        return ids(payments).stream().mapToLong(orders::countByPaymentId).sum();
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
    void shouldCreateOneOrderPerPaymentOfABatch() {
        PaymentEvent[] batch = {payment(), payment(), payment(), payment()};
        long createdBefore = service.created();

        deliver(batch);

        for (PaymentEvent payment : batch) {
            assertThat(orders.countByPaymentId(payment.id())).as(payment.id()).isEqualTo(1);
        }
        assertThat(service.created() - createdBefore).isEqualTo(4);
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
    void shouldCreateNoDuplicateOrderWhenABatchIsRedeliveredWholeOrInPart() {
        PaymentEvent a = payment(), b = payment(), c = payment(), d = payment();
        long createdBefore = service.created();
        long duplicatesBefore = service.duplicates();

        deliver(a, b, c);
        deliver(a, b, c);    // the same batch again, e.g. after a crash before the commit
        deliver(c, d);       // a batch cut differently: one old payment, one new
        deliver(d, d);       // one payment twice in one batch

        assertThat(stored(a, b, c, d)).isEqualTo(4);
        assertThat(service.created() - createdBefore).isEqualTo(4);
        assertThat(service.duplicates() - duplicatesBefore).isEqualTo(6);
    }

    @Test
    void shouldStoreNothingOfABatchThatFailsAndAllOfItWhenRetried() {
        PaymentEvent good = payment(), other = payment();
        PaymentEvent broken = new PaymentEvent(UUID.randomUUID().toString(), "ord-x", "customer-0007",
                new BigDecimal("1.00"), null, "CARD", Instant.now()); // currency is NOT NULL in the table

        assertThatThrownBy(() -> service.createOrders(List.of(good, broken, other)))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(stored(good, other)).as("one transaction per batch: none of it stays").isZero();

        assertThat(service.createOrders(List.of(good, other))).isEqualTo(2);
        assertThat(stored(good, other)).isEqualTo(2);
    }

    @Test
    void shouldSettleConcurrentBatchesWithTheSamePaymentsByTheUniqueConstraint() throws Exception {
        PaymentEvent shared = payment(), alsoShared = payment();
        int deliveries = 6;
        CountDownLatch go = new CountDownLatch(1);
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < deliveries; i++) {
            PaymentEvent own = payment();
            tasks.add(() -> {
                go.await();
                return service.createOrders(List.of(shared, own, alsoShared));
            });
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(deliveries)) {
            List<Future<Integer>> outcomes = new ArrayList<>();
            for (Callable<Integer> task : tasks) {
                outcomes.add(pool.submit(task));
            }
            go.countDown();
            long created = 0;
            for (Future<Integer> outcome : outcomes) {
                created += outcome.get();
            }
            assertThat(created).as("each batch's own payment once, the two shared ones once").isEqualTo(deliveries + 2);
        }
        assertThat(stored(shared, alsoShared)).isEqualTo(2);
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
