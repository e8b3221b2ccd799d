package dev.minikafka.demo.orders;

import dev.minikafka.demo.analytics.AnalyticsApplication;
import dev.minikafka.demo.payments.PaymentStream;
import dev.minikafka.demo.payments.PaymentsApplication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.integration.config.GlobalChannelInterceptor;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The swap test: Payments → Orders and Analytics, the same application code and application.yml, on each
 * binder in turn (one thin subclass per binder, which names it and gives its connection properties — the only
 * thing a user changes besides the dependency). The applications run in this JVM, each in its own context, on
 * a destination and groups unique to the run. Every payment Payments sends becomes exactly one order, and
 * Analytics (in batch mode, as Orders) aggregates every one of them.
 */
abstract class PaymentsToOrdersContract {

    static final Duration DEADLINE = Duration.ofSeconds(60);
    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String destination = "demo-e2e-payments-" + run;
    final String group = "demo-e2e-orders-" + run;
    final String analyticsGroup = "demo-e2e-analytics-" + run;

    /** The binder's name, as its {@code META-INF/spring.binders} declares it. */
    abstract String binder();

    /** The binder's connection properties, as command-line arguments. */
    abstract List<String> connection();

    /** Removes what the run left on a shared broker; nothing by default. */
    void cleanUp() throws InterruptedException {
    }

    /** Sees every payment Payments hands to its output binding. */
    @GlobalChannelInterceptor(patterns = "paymentEvents-out-0")
    static class SentPayments implements ChannelInterceptor {
        static final Set<String> IDS = ConcurrentHashMap.newKeySet();
        private static final JsonMapper JSON = JsonMapper.builder().build();

        @Override
        public Message<?> preSend(Message<?> message, MessageChannel channel) {
            Object payload = message.getPayload();
            JsonNode event = payload instanceof byte[] bytes ? JSON.readTree(bytes) : JSON.valueToTree(payload);
            IDS.add(event.get("id").asString());
            return message;
        }
    }

    /** Orders' database libraries are on this classpath too; Payments and Analytics have no use for them. */
    private static final String NO_DATABASE = "--spring.autoconfigure.exclude="
            + "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
            + "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration,"
            + "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration";

    private ConfigurableApplicationContext orders;
    private ConfigurableApplicationContext analytics;
    private ConfigurableApplicationContext payments;

    @AfterEach
    void closeAndCleanUp() throws InterruptedException {
        if (payments != null) {
            payments.close();
        }
        if (orders != null) {
            orders.close();
        }
        if (analytics != null) {
            analytics.close();
        }
        cleanUp();
    }

    @Test
    void everyPaymentSentBecomesExactlyOneOrder() throws Exception {
        SentPayments.IDS.clear();
        // Orders first: its group's queue must exist before Payments publishes.
        orders = new SpringApplicationBuilder(OrdersApplication.class).run(arguments("orders",
                "--spring.datasource.url=jdbc:h2:mem:e2e-" + run + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1",
                "--spring.cloud.stream.bindings.createOrder-in-0.group=" + group));
        analytics = new SpringApplicationBuilder(AnalyticsApplication.class).run(arguments("analytics", NO_DATABASE,
                "--spring.cloud.stream.bindings.aggregate-in-0.group=" + analyticsGroup));
        payments = new SpringApplicationBuilder(PaymentsApplication.class, SentPayments.class)
                .run(arguments("payments", NO_DATABASE));

        assertThat(payments.getEnvironment().getProperty("spring.application.name")).isEqualTo("payments");
        assertThat(orders.getEnvironment().getProperty("spring.application.name")).isEqualTo("orders");

        PaymentStream stream = payments.getBean(PaymentStream.class);
        stream.setEventsPerSecond(500);
        stream.startEmitting();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (SentPayments.IDS.size() < 300 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        stream.stopEmitting();
        Set<String> sent = Set.copyOf(SentPayments.IDS);
        assertThat(sent).hasSizeGreaterThanOrEqualTo(300);

        OrderRepository repository = orders.getBean(OrderRepository.class);
        while (repository.count() < sent.size() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Set<String> ordered = new HashSet<>();
        List<Order> all = repository.findAll();
        for (Order order : all) {
            ordered.add(order.getPaymentId());
            assertThat(order.getOrderId()).isEqualTo("ord-" + order.getPaymentId());
        }
        assertThat(all).hasSize(sent.size());
        assertThat(ordered).isEqualTo(sent);
        assertThat(orders.getBean(OrderService.class).duplicates()).isZero();

        RestClient analyticsApi = RestClient.create("http://127.0.0.1:" + analytics.getEnvironment().getProperty("local.server.port"));
        long aggregated = 0;
        while (aggregated < sent.size() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            aggregated = analyticsApi.get().uri("/analytics/summary").retrieve().body(JsonNode.class).get("events").asLong();
        }
        assertThat(aggregated).isEqualTo(sent.size());
    }

    /**
     * Command-line arguments (they override application.yml): the service's own application.yml (both are
     * "application.yml" on this classpath), this run's names, and {@code extra}.
     */
    private String[] arguments(String service, String... extra) throws IOException {
        URL yml = Collections.list(PaymentsToOrdersContract.class.getClassLoader().getResources("application.yml"))
                .stream().filter(url -> url.toString().contains("/" + service + "/")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no application.yml of " + service));
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.config.location=" + yml,
                "--server.port=0",
                "--PAYMENTS_DESTINATION=" + destination,
                "--spring.cloud.stream.default-binder=" + binder()));
        arguments.addAll(connection());
        arguments.addAll(List.of(extra));
        return arguments.toArray(String[]::new);
    }
}
