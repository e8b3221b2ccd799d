package dev.minikafka.binder.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.stream.binder.PollableMessageSource;
import org.springframework.cloud.stream.binding.BindingsLifecycleController;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;

/**
 * The scenarios Spring Cloud Stream's own binder test suites exercise, written against the framework's
 * public surface only (function beans, {@link StreamBridge}, binding properties, the bindings lifecycle
 * controller), so that the same class runs against any binder. Each subclass starts its broker and says how
 * the binder is selected and addressed; running it against the Kafka binder shows the scenarios themselves
 * are right.
 *
 * <p>Every scenario uses fresh topic and group names, so one broker serves the whole class. Waits are bounded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class AbstractBinderContractTests {

    protected static final Duration WAIT = Duration.ofSeconds(20);

    private final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    /** The binder's name in {@code spring.binders} ("minikafka", "kafka"). */
    protected abstract String binderName();

    /** Properties that point the binder at the test's broker. */
    protected abstract List<String> connectionProperties();

    /** The inbound header holding the partition a record was read from. */
    protected abstract String receivedPartitionHeader();

    /** Extra properties a statically partitioned consumer needs on this binder (Kafka: no group management). */
    protected List<String> staticPartitioningProperties(String binding) {
        return List.of();
    }

    @AfterEach
    void closeApps() {
        apps.forEach(ConfigurableApplicationContext::close);
        apps.clear();
    }

    // ---- scenarios -------------------------------------------------------------------------------------

    protected void anonymousConsumerReceivesWhatIsSentAfterItStarted() {
        String topic = unique("anon");
        var app = start("sink", "--spring.cloud.stream.bindings.sink-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.out.destination=" + topic);
        BlockingQueue<Message<?>> sink = received(app, "sink");
        awaitFlowing(app, "out", sink);

        send(app, "out", "one", "two", "three");

        assertThat(payloads(sink, 3)).containsExactly("one", "two", "three");
    }

    protected void requiredGroupReceivesWhatWasSentBeforeItsConsumerStarted() {
        String topic = unique("required");
        var producer = start("", "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.bindings.out.producer.required-groups=audit",
                "--spring.cloud.stream.output-bindings=out");
        send(producer, "out", "a", "b", "c");

        var consumer = start("sink", "--spring.cloud.stream.bindings.sink-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.sink-in-0.group=audit");

        assertThat(payloads(received(consumer, "sink"), 3)).containsExactly("a", "b", "c");
    }

    protected void twoGroupsEachReceiveEveryRecordAndMembersOfAGroupShareThem() {
        String topic = unique("groups");
        List<String> producerProperties = List.of("--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.bindings.out.producer.partition-count=4",
                "--spring.cloud.stream.bindings.out.producer.partition-key-expression=headers['k']",
                "--spring.cloud.stream.output-bindings=out");
        var producer = start("", producerProperties.toArray(String[]::new));
        String[] member = {"--spring.cloud.stream.bindings.sink-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.sink-in-0.group=orders"};
        var orders1 = start("sink", member);
        var orders2 = start("sink", member);
        var analytics = start("sink", "--spring.cloud.stream.bindings.sink-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.sink-in-0.group=analytics",
                "--spring.cloud.stream.bindings.sink-in-0.consumer.concurrency=2");
        // wait until both members of "orders" own partitions: probes on every partition reach both
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (received(orders1, "sink").isEmpty() || received(orders2, "sink").isEmpty()) {
            assertThat(System.nanoTime()).as("both members of the group get partitions").isLessThan(deadline);
            for (int k = 0; k < 4; k++) {
                sendKeyed(producer, "out", "probe", k);
            }
            sleep(200);
        }

        List<String> sent = IntStream.range(0, 40).mapToObj(i -> "m" + i).toList();
        for (int i = 0; i < sent.size(); i++) {
            sendKeyed(producer, "out", sent.get(i), i);
        }

        List<String> byAnalytics = payloadsUntil(received(analytics, "sink"), sent);
        assertThat(byAnalytics).containsAll(sent);
        List<String> both = new ArrayList<>();
        long end = System.nanoTime() + WAIT.toNanos();
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        while (!new HashSet<>(both).containsAll(sent) && System.nanoTime() < end) {
            drain(received(orders1, "sink"), first);
            drain(received(orders2, "sink"), second);
            both.clear();
            both.addAll(first);
            both.addAll(second);
            sleep(50);
        }
        assertThat(both).as("the group as a whole gets every record").containsAll(sent);
        assertThat(first).as("member 1 gets a share").containsAnyElementsOf(sent);
        assertThat(second).as("member 2 gets a share").containsAnyElementsOf(sent);
    }

    protected void partitionedProducerPlacesRecordsByKeyAndSelectorExpressions() {
        String topic = unique("partitioned");
        var app = start("sink", "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.bindings.out.producer.partition-count=3",
                "--spring.cloud.stream.bindings.out.producer.partition-key-expression=headers['customer']",
                "--spring.cloud.stream.bindings.out.producer.partition-selector-expression="
                        + "T(java.lang.Integer).parseInt(#root.substring(1))",
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.bindings.sink-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.sink-in-0.group=placed");

        for (int i = 0; i < 9; i++) {
            bridge(app).send("out", MessageBuilder.withPayload("r" + i).setHeader("customer", "c" + i).build());
        }

        List<Message<?>> messages = messages(received(app, "sink"), 9);
        for (Message<?> m : messages) {
            int i = Integer.parseInt(((String) m.getPayload()).substring(1));
            assertThat(partitionOf(m)).as("record r%d", i).isEqualTo(i % 3);
        }
    }

    protected void staticallyPartitionedConsumersReadOnlyTheirInstancesPartitions() {
        String topic = unique("instances");
        var producer = start("", "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.bindings.out.producer.partition-count=4",
                "--spring.cloud.stream.bindings.out.producer.partition-key-expression=headers['k']",
                "--spring.cloud.stream.output-bindings=out");
        List<ConfigurableApplicationContext> instances = new ArrayList<>();
        for (int index = 0; index < 2; index++) {
            List<String> args = new ArrayList<>(List.of("--spring.cloud.stream.bindings.sink-in-0.destination=" + topic,
                    "--spring.cloud.stream.bindings.sink-in-0.group=instances",
                    "--spring.cloud.stream.bindings.sink-in-0.consumer.partitioned=true",
                    "--spring.cloud.stream.instance-count=2",
                    "--spring.cloud.stream.instance-index=" + index));
            args.addAll(staticPartitioningProperties("sink-in-0"));
            instances.add(start("sink", args.toArray(String[]::new)));
        }

        for (int i = 0; i < 16; i++) {
            sendKeyed(producer, "out", "r" + i, i);
        }

        for (int index = 0; index < 2; index++) {
            List<Message<?>> got = messages(received(instances.get(index), "sink"), 8);
            for (Message<?> m : got) {
                assertThat(partitionOf(m) % 2).as("instance %d reads partitions p %% 2 == %d", index, index)
                        .isEqualTo(index);
            }
        }
    }

    protected void headersAndContentTypeSurviveTheRoundTrip() {
        String topic = unique("headers");
        var app = start("payments", "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.bindings.out.content-type=application/json",
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.bindings.payments-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.payments-in-0.group=typed");

        bridge(app).send("out", MessageBuilder.withPayload(new ContractApp.Payment("p-1", "alice", 1250))
                .setHeader("traceId", "t-42").setHeader("attempt", 3).build());

        Message<?> got = messages(received(app, "payments"), 1).getFirst();
        assertThat(got.getPayload()).isEqualTo(new ContractApp.Payment("p-1", "alice", 1250));
        assertThat(text(got.getHeaders().get("traceId"))).isEqualTo("t-42");
        assertThat(got.getHeaders().get("attempt")).isEqualTo(3);
        assertThat(text(got.getHeaders().get(MessageHeaders.CONTENT_TYPE))).startsWith("application/json");
    }

    protected void failingRecordIsRetriedThenDeadLetteredWithItsOriginAndTheException() {
        String topic = unique("poison");
        var app = start("failing;dlqSink", "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.bindings.failing-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.failing-in-0.group=billing",
                "--spring.cloud.stream.bindings.failing-in-0.consumer.max-attempts=3",
                "--spring.cloud.stream.bindings.failing-in-0.consumer.back-off-initial-interval=10",
                "--spring.cloud.stream.bindings.failing-in-0.consumer.back-off-max-interval=20",
                "--spring.cloud.stream." + binderName() + ".bindings.failing-in-0.consumer.enable-dlq=true",
                "--spring.cloud.stream.bindings.dlqSink-in-0.destination=error." + topic + ".billing",
                "--spring.cloud.stream.bindings.dlqSink-in-0.group=dlq-reader");

        send(app, "out", "poison-1");

        Message<?> dead = messages(received(app, "dlqSink"), 1).getFirst();
        assertThat(dead.getPayload()).isEqualTo("poison-1");
        assertThat(received(app).failingAttempts.get()).isEqualTo(3);
        assertThat(text(dead.getHeaders().get("x-original-topic"))).isEqualTo(topic);
        assertThat(text(dead.getHeaders().get("x-exception-message"))).contains("cannot process poison-1");
        assertThat(text(dead.getHeaders().get("x-exception-stacktrace"))).contains("IllegalStateException");
        assertThat(dead.getHeaders()).containsKeys("x-original-partition", "x-original-offset");

        // the partition is not stalled: the next record is tried too
        send(app, "out", "poison-2");
        assertThat(messages(received(app, "dlqSink"), 1).getFirst().getPayload()).isEqualTo("poison-2");
    }

    /**
     * A record whose payload cannot be converted to the function's type must not stall its partition. (The
     * framework itself decides what happens to the bad record: with Spring Cloud Function 5.0 a failed input
     * conversion is not an exception, so it reaches neither the retry nor the DLQ on any binder.)
     */
    protected void recordThatFailsConversionDoesNotStallThePartition() {
        String topic = unique("unconvertible");
        var app = start("payments", "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.bindings.payments-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.payments-in-0.group=typed",
                "--spring.cloud.stream.bindings.payments-in-0.consumer.max-attempts=1");

        bridge(app).send("out", MessageBuilder.withPayload("{not json".getBytes(StandardCharsets.UTF_8))
                .setHeader(MessageHeaders.CONTENT_TYPE, "application/json").build());
        bridge(app).send("out", MessageBuilder.withPayload("{\"id\":\"p-2\",\"customer\":\"bob\",\"cents\":5}"
                .getBytes(StandardCharsets.UTF_8)).setHeader(MessageHeaders.CONTENT_TYPE, "application/json").build());

        ContractApp.Payment good = new ContractApp.Payment("p-2", "bob", 5);
        List<Object> got = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!got.contains(good) && System.nanoTime() < deadline) {
            Message<?> m = poll(received(app, "payments"), Duration.ofMillis(100));
            if (m != null) {
                got.add(m.getPayload());
            }
        }
        assertThat(got).as("the record after the bad one is processed").contains(good);
    }

    protected void batchModeDeliversLists() {
        String topic = unique("batch");
        var app = start("batchSink", "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.bindings.batchSink-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.batchSink-in-0.group=batched",
                "--spring.cloud.stream.bindings.batchSink-in-0.consumer.batch-mode=true");

        List<String> sent = IntStream.range(0, 20).mapToObj(i -> "b" + i).toList();
        send(app, "out", sent.toArray(String[]::new));

        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        BlockingQueue<Message<?>> batches = received(app, "batchSink");
        while (got.size() < sent.size() && System.nanoTime() < deadline) {
            Message<?> batch = poll(batches, Duration.ofMillis(200));
            if (batch != null) {
                assertThat(batch.getPayload()).isInstanceOf(List.class);
                ((List<?>) batch.getPayload()).forEach(p -> got.add(String.valueOf(p)));
            }
        }
        assertThat(got).containsExactlyElementsOf(sent);
    }

    protected void polledConsumerReturnsOneRecordPerPoll() {
        String topic = unique("polled");
        var app = start("", "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.pollable-source=polled",
                "--spring.cloud.stream.bindings.polled-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.polled-in-0.group=pollers");
        PollableMessageSource source = app.getBean("polled-in-0", PollableMessageSource.class);
        send(app, "out", "x", "y", "z");

        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (got.size() < 3 && System.nanoTime() < deadline) {
            boolean polled = source.poll(m -> got.add((String) m.getPayload()), new ParameterizedTypeReference<String>() {
            });
            if (!polled) {
                sleep(50);
            }
        }
        assertThat(got).containsExactly("x", "y", "z");
    }

    protected void pausedBindingReceivesNothingUntilResumed() {
        String topic = unique("paused");
        var app = start("sink", "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.bindings.sink-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.sink-in-0.group=pausable");
        BlockingQueue<Message<?>> sink = received(app, "sink");
        awaitFlowing(app, "out", sink);
        BindingsLifecycleController bindings = app.getBean(BindingsLifecycleController.class);

        bindings.changeState("sink-in-0", BindingsLifecycleController.State.PAUSED);
        sleep(500); // let the consumer see the pause on its next poll
        send(app, "out", "while-paused");
        assertThat(poll(sink, Duration.ofMillis(1_500))).as("nothing arrives while paused").isNull();

        bindings.changeState("sink-in-0", BindingsLifecycleController.State.RESUMED);
        assertThat(payloads(sink, 1)).containsExactly("while-paused");
    }

    /**
     * The swap test of the design: a Payments application (StreamBridge) and an Orders application (a plain
     * {@code Consumer}) with the same code and the same binding properties on every binder; only the binder
     * on the classpath and its connection properties differ. The same events must arrive.
     */
    protected void paymentsToOrdersFlowRunsUnchangedOnThisBinder() {
        String topic = unique("payments");
        String[] applicationYml = {"--spring.cloud.stream.bindings.payments-out-0.destination=" + topic,
                "--spring.cloud.stream.bindings.payments-out-0.producer.required-groups=orders",
                "--spring.cloud.stream.bindings.payments-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.payments-in-0.group=orders",
                "--spring.cloud.stream.output-bindings=payments-out-0"};
        var payments = start("", applicationYml);
        var orders = start("payments", applicationYml);
        List<ContractApp.Payment> sent = IntStream.range(0, 20)
                .mapToObj(i -> new ContractApp.Payment("p-" + i, "customer-" + (i % 3), 100L * i)).toList();

        sent.forEach(payment -> bridge(payments).send("payments-out-0", payment));

        List<Object> got = new ArrayList<>();
        messages(received(orders, "payments"), sent.size()).forEach(m -> got.add(m.getPayload()));
        assertThat(got).containsExactlyInAnyOrderElementsOf(sent);
    }

    // ---- support ---------------------------------------------------------------------------------------

    protected ConfigurableApplicationContext start(String functions, String... properties) {
        List<String> args = new ArrayList<>(connectionProperties());
        args.add("--spring.cloud.stream.default-binder=" + binderName());
        args.add("--spring.cloud.function.definition=" + functions);
        args.add("--spring.main.banner-mode=off");
        args.add("--spring.jmx.enabled=false");
        args.add("--spring.cloud.stream.binding-retry-interval=1");
        args.addAll(List.of(properties));
        ConfigurableApplicationContext app = new SpringApplicationBuilder(ContractApp.class)
                .web(WebApplicationType.NONE)
                .run(args.toArray(String[]::new));
        apps.add(app);
        return app;
    }

    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected static StreamBridge bridge(ConfigurableApplicationContext app) {
        return app.getBean(StreamBridge.class);
    }

    protected static ContractApp.Received received(ConfigurableApplicationContext app) {
        return app.getBean(ContractApp.Received.class);
    }

    protected static BlockingQueue<Message<?>> received(ConfigurableApplicationContext app, String function) {
        return received(app).of(function);
    }

    protected static void send(ConfigurableApplicationContext app, String binding, String... payloads) {
        for (String payload : payloads) {
            bridge(app).send(binding, MessageBuilder.withPayload(payload)
                    .setHeader(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.TEXT_PLAIN_VALUE).build());
        }
    }

    protected static void sendKeyed(ConfigurableApplicationContext app, String binding, String payload, int key) {
        bridge(app).send(binding, MessageBuilder.withPayload(payload).setHeader("k", key)
                .setHeader(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.TEXT_PLAIN_VALUE).build());
    }

    /**
     * A consumer that starts at the latest offset misses what is sent before it owns its partitions; send
     * probes until one arrives, then forget them.
     */
    protected static void awaitFlowing(ConfigurableApplicationContext app, String binding, BlockingQueue<Message<?>> sink) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (poll(sink, Duration.ofMillis(300)) == null) {
            assertThat(System.nanoTime()).as("a probe arrives").isLessThan(deadline);
            send(app, binding, "probe");
        }
        sleep(500);
        sink.clear();
    }

    protected int partitionOf(Message<?> message) {
        Object partition = message.getHeaders().get(receivedPartitionHeader());
        assertThat(partition).as("header %s", receivedPartitionHeader()).isNotNull();
        return ((Number) partition).intValue();
    }

    protected static List<Message<?>> messages(BlockingQueue<Message<?>> queue, int count) {
        List<Message<?>> out = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (out.size() < count && System.nanoTime() < deadline) {
            Message<?> m = poll(queue, Duration.ofMillis(100));
            if (m != null && !"probe".equals(m.getPayload())) {
                out.add(m);
            }
        }
        assertThat(out).as("messages received within %s", WAIT).hasSize(count);
        return out;
    }

    protected static List<String> payloads(BlockingQueue<Message<?>> queue, int count) {
        return messages(queue, count).stream().map(m -> String.valueOf(m.getPayload())).collect(Collectors.toList());
    }

    private static List<String> payloadsUntil(BlockingQueue<Message<?>> queue, List<String> expected) {
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        Set<String> want = new HashSet<>(expected);
        while (!new HashSet<>(got).containsAll(want) && System.nanoTime() < deadline) {
            drain(queue, got);
            sleep(50);
        }
        return got;
    }

    private static void drain(BlockingQueue<Message<?>> queue, List<String> into) {
        Message<?> m;
        while ((m = queue.poll()) != null) {
            into.add(String.valueOf(m.getPayload()));
        }
    }

    protected static Message<?> poll(BlockingQueue<Message<?>> queue, Duration timeout) {
        try {
            return queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Header values may come back as text or bytes depending on the binder's header mapper. */
    protected static String text(Object value) {
        return value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : value == null ? null : value.toString();
    }

    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
