package dev.minikafka.binder.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.cloud.stream.binder.PollableMessageSource;
import org.springframework.cloud.stream.binding.BindingsLifecycleController;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.integration.StaticMessageHeaderAccessor;
import org.springframework.integration.acks.AcknowledgmentCallback;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.messaging.support.MessageBuilder;

import io.micrometer.core.instrument.MeterRegistry;

import dev.minikafka.binder.MiniKafkaBinderHealthIndicator;
import dev.minikafka.binder.MiniKafkaHeaders;
import dev.minikafka.binder.properties.MiniKafkaBinderConfigurationProperties;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.Murmur2Partitioner;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.broker.BrokerApplication;

/**
 * The contract scenarios on the MiniKafka binder, against a broker started in this JVM on loopback, and the
 * binder's own features that have no binder-neutral form (key header, manual acknowledgement, send failures
 * on the error channel, health, metrics, starting before the broker).
 */
class MiniKafkaBinderContractTests extends FullBinderContractTests {

    @TempDir
    static Path dataDir;

    static ConfigurableApplicationContext broker;
    static String brokers;

    @BeforeAll
    static void startBroker() {
        broker = startBroker(dataDir);
        brokers = "127.0.0.1:" + broker.getBean(GrpcServerLifecycle.class).getPort();
    }

    /** The real broker application in its own context, on ephemeral ports (as the broker's own tests run it). */
    static ConfigurableApplicationContext startBroker(Path dataDir) {
        return SpringApplication.run(BrokerApplication.class, "--minikafka.broker.data-dir=" + dataDir,
                "--spring.grpc.server.address=127.0.0.1:0", "--spring.main.web-application-type=none",
                "--springdoc.api-docs.enabled=false", "--spring.main.banner-mode=off", "--spring.jmx.enabled=false");
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    protected String binderName() {
        return "minikafka";
    }

    @Override
    protected List<String> connectionProperties() {
        return List.of("--spring.cloud.stream.minikafka.binder.brokers=" + brokers);
    }

    @Override
    protected String receivedPartitionHeader() {
        return MiniKafkaHeaders.RECEIVED_PARTITION;
    }

    // ---- MiniKafka-specific ------------------------------------------------------------------------------

    @Test
    void keyHeaderPlacesRecordsWithTheMurmur2PartitionerAndComesBackAsTheReceivedKey() {
        String topic = unique("keyed");
        var app = start("sink", "--spring.cloud.stream.minikafka.binder.min-partition-count=4",
                "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.bindings.sink-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.sink-in-0.group=keyed");

        for (String customer : List.of("alice", "bob", "carol", "dave")) {
            bridge(app).send("out", MessageBuilder.withPayload(customer).setHeader(MiniKafkaHeaders.MESSAGE_KEY, customer).build());
        }

        for (Message<?> m : messages(received(app, "sink"), 4)) {
            byte[] key = (byte[]) m.getHeaders().get(MiniKafkaHeaders.RECEIVED_MESSAGE_KEY);
            assertThat(new String(key, StandardCharsets.UTF_8)).isEqualTo(m.getPayload());
            assertThat(partitionOf(m)).isEqualTo(Murmur2Partitioner.partition(key, 4));
        }
    }

    @Test
    void messageKeyExpressionChoosesTheKey() {
        String topic = unique("keyexpr");
        var app = start("sink", "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.minikafka.bindings.out.producer.message-key-expression=headers['customer']",
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.bindings.sink-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.sink-in-0.group=keyexpr");

        bridge(app).send("out", MessageBuilder.withPayload("paid").setHeader("customer", "erin").build());

        Message<?> m = messages(received(app, "sink"), 1).getFirst();
        assertThat(text(m.getHeaders().get(MiniKafkaHeaders.RECEIVED_MESSAGE_KEY))).isEqualTo("erin");
    }

    @Test
    void manualAcknowledgementCommitsOnlyAcknowledgedRecords() {
        String topic = unique("manual");
        String[] binding = {"--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.bindings.sink-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.sink-in-0.group=manual",
                "--spring.cloud.stream.minikafka.default.consumer.ack-mode=manual"}; // defaults reach every binding
        var first = start("sink", binding);
        send(first, "out", "a", "b", "c");
        List<Message<?>> got = messages(received(first, "sink"), 3);
        for (Message<?> m : got.subList(0, 2)) {
            AcknowledgmentCallback ack = (AcknowledgmentCallback) m.getHeaders()
                    .get(IntegrationMessageHeaderAccessor.ACKNOWLEDGMENT_CALLBACK);
            ack.acknowledge(); // from this thread, not the consumer's: allowed
        }
        sleep(1_000);
        first.close();

        var second = start("sink", binding);
        assertThat(payloads(received(second, "sink"), 1)).containsExactly("c");
    }

    /**
     * Acknowledged from another thread, then stopped at once. With the 1 s interval the acknowledgements are
     * still queued at stop, and only the commit on stop covers them. With 0 every poll commits without waiting,
     * so the binding's last poll sends them without waiting and the stop follows at once: the group leave
     * then reached the broker before that commit, which was refused as from an unknown member, while the
     * commit on stop skipped the offsets as already sent (the next consumer began at "a").
     */
    @ParameterizedTest(name = "commit-interval={0}")
    @ValueSource(strings = {"1s", "0"})
    void manualAcknowledgementsFromAnotherThreadAreCommittedWhenTheBindingStopsAtOnce(String interval)
            throws InterruptedException {
        String topic = unique("ackstop");
        String[] binding = {"--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.bindings.sink-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.sink-in-0.group=ackstop",
                "--spring.cloud.stream.minikafka.default.consumer.ack-mode=manual",
                "--spring.cloud.stream.minikafka.binder.consumer.commit-interval=" + interval};
        var first = start("sink", binding);
        send(first, "out", "a", "b", "c");
        List<Message<?>> got = messages(received(first, "sink"), 3);
        Thread acknowledger = new Thread(() -> got.subList(0, 2)
                .forEach(m -> StaticMessageHeaderAccessor.getAcknowledgmentCallback(m).acknowledge()));
        acknowledger.start();
        acknowledger.join();
        first.close();

        var second = start("sink", binding);
        assertThat(payloads(received(second, "sink"), 1)).containsExactly("c");
    }

    /**
     * An Error from the handler stops that consumer, as spring-kafka's container does, and its member leaves the
     * group: the other member gets the partition and reads the record again. (The thread used to end without
     * closing the consumer; the shared heartbeat thread kept the member alive and the partition unread.)
     */
    @Test
    void anErrorFromTheHandlerStopsItsConsumerAndTheOtherMemberTakesThePartition() {
        String topic = unique("erring");
        var first = start("erring", "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.bindings.erring-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.erring-in-0.group=erring",
                "--spring.cloud.stream.bindings.erring-in-0.consumer.max-attempts=1");
        awaitFlowing(first, "out", received(first, "erring")); // the one partition is the first member's
        var second = start("sink", "--spring.cloud.stream.bindings.sink-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.sink-in-0.group=erring");
        sleep(2_000); // joined: a member with nothing to read

        send(first, "out", "fatal");
        assertThat(payloads(received(second, "sink"), 1)).containsExactly("fatal");
    }

    /**
     * Stop interrupts a consumer waiting out a retry back-off and waits for its thread; the record it was retrying
     * is neither recovered nor committed, so the group's next member reads it. (Stop used to give up waiting after
     * 15 s, the thread still asleep; it then recovered the record and committed it.)
     */
    @Test
    void stoppingABindingEndsItsRetryBackOffAndLeavesTheRecordToTheNextMember() {
        String topic = unique("backoff");
        var app = start("failing", "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.bindings.failing-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.failing-in-0.group=backoff",
                "--spring.cloud.stream.bindings.failing-in-0.consumer.max-attempts=3",
                "--spring.cloud.stream.bindings.failing-in-0.consumer.back-off-initial-interval=60000",
                "--spring.cloud.stream.bindings.failing-in-0.consumer.back-off-max-interval=60000");
        send(app, "out", "stuck");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (received(app).failingAttempts.get() == 0) {
            assertThat(System.nanoTime()).as("the first attempt fails").isLessThan(deadline);
            sleep(50);
        }
        sleep(300); // backing off for a minute

        long started = System.nanoTime();
        app.getBean(BindingsLifecycleController.class).changeState("failing-in-0", BindingsLifecycleController.State.STOPPED);
        Duration stopping = Duration.ofNanos(System.nanoTime() - started);

        assertThat(stopping).as("stop does not wait out the back-off").isLessThan(Duration.ofSeconds(5));
        assertThat(Thread.getAllStackTraces().keySet()).as("the consumer thread ended")
                .noneMatch(thread -> thread.getName().startsWith("minikafka-" + topic + "-"));
        assertThat(received(app).failingAttempts.get()).as("no attempt after stop").isEqualTo(1);
        var heir = start("sink", "--spring.cloud.stream.bindings.sink-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.sink-in-0.group=backoff");
        assertThat(payloads(received(heir, "sink"), 1)).as("not committed").containsExactly("stuck");
    }

    /** A partition that moves to a paused binding is paused before anything is read from it. */
    @Test
    void aPartitionAssignedToAPausedBindingDeliversNothingUntilItIsResumed() {
        String topic = unique("handover");
        String[] member = {"--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.bindings.sink-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.sink-in-0.group=handover"};
        var owner = start("sink", member);
        awaitFlowing(owner, "out", received(owner, "sink")); // the one partition is the owner's
        var heir = start("sink", member);
        sleep(2_000); // joined, with nothing to read
        heir.getBean(BindingsLifecycleController.class).changeState("sink-in-0", BindingsLifecycleController.State.PAUSED);
        owner.getBean(BindingsLifecycleController.class).changeState("sink-in-0", BindingsLifecycleController.State.PAUSED);
        sleep(500);
        send(owner, "out", "pending"); // not read by the paused owner, so not committed
        sleep(500);
        owner.close(); // the partition moves to the paused heir, "pending" waiting in it

        BlockingQueue<Message<?>> heirs = received(heir, "sink");
        assertThat(poll(heirs, Duration.ofSeconds(3))).as("nothing arrives while the heir is paused").isNull();
        heir.getBean(BindingsLifecycleController.class).changeState("sink-in-0", BindingsLifecycleController.State.RESUMED);
        assertThat(payloads(heirs, 1)).containsExactly("pending");
    }

    @Test
    void processedRecordsAreCommittedOnTheIntervalWhileRunningAndOnStopWithinIt() {
        String topic = unique("interval");
        String[] binding = {"--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.bindings.sink-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.sink-in-0.group=interval"};
        var ticking = start("sink", with(binding, "--spring.cloud.stream.minikafka.binder.consumer.commit-interval=100ms"));
        send(ticking, "out", "a", "b");
        messages(received(ticking, "sink"), 2);
        try (var reader = new MiniKafkaConsumer(ConsumerConfig.builder(brokers).groupId("interval").build())) {
            TopicPartition p0 = new TopicPartition(topic, 0);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!Long.valueOf(2).equals(reader.committed(Set.of(p0)).get(p0)) && System.nanoTime() < deadline) {
                sleep(50);
            }
            assertThat(reader.committed(Set.of(p0))).as("committed while the binding runs").containsEntry(p0, 2L);
        }
        ticking.close();

        var idle = start("sink", with(binding, "--spring.cloud.stream.minikafka.binder.consumer.commit-interval=1h"));
        send(idle, "out", "c");
        assertThat(payloads(received(idle, "sink"), 1)).containsExactly("c");
        idle.close(); // within the hour: only the commit on stop covers "c"

        var third = start("sink", binding);
        send(third, "out", "d");
        assertThat(payloads(received(third, "sink"), 1)).containsExactly("d");
    }

    private static String[] with(String[] properties, String more) {
        String[] all = java.util.Arrays.copyOf(properties, properties.length + 1);
        all[properties.length] = more;
        return all;
    }

    @Test
    void failedSendGoesToTheBindingsErrorChannel() {
        String topic = unique("sendfail");
        var app = start("", "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.bindings.out.producer.error-channel-enabled=true",
                "--spring.cloud.stream.output-bindings=out");
        BlockingQueue<Message<?>> errors = new LinkedBlockingQueue<>();
        // the binding's error channel lives in the binder's context and is bridged to the application's
        app.getBean("errorChannel", SubscribableChannel.class).subscribe(errors::add);

        // partition 7 of a one-partition topic: the broker refuses it
        bridge(app).send("out", MessageBuilder.withPayload("lost").setHeader("scst_partition", 7).build());

        // (the global channel also carries the framework's own noise, e.g. spring-cloud-stream#3203)
        long deadline = System.nanoTime() + WAIT.toNanos();
        Throwable failure = null;
        while (failure == null && System.nanoTime() < deadline) {
            Message<?> error = poll(errors, Duration.ofMillis(200));
            if (error instanceof ErrorMessage e && String.valueOf(e.getPayload().getMessage()).contains(topic)) {
                failure = e.getPayload();
            }
        }
        assertThat(failure).as("a send failure for %s on the error channel", topic).isNotNull();
        assertThat(failure.getMessage()).contains("partition");
    }

    @Test
    void countsRecordsSentAndReceivedPerBindingAndReportsHealthUnderBinders() {
        String topic = unique("metered");
        var app = start("sink", "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.bindings.sink-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.sink-in-0.group=metered");
        send(app, "out", "1", "2", "3");
        messages(received(app, "sink"), 3);

        MeterRegistry registry = app.getBean(MeterRegistry.class);
        assertThat(registry.get("minikafka.binder.records.received").tag("topic", topic).counter().count()).isEqualTo(3);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (registry.get("minikafka.binder.records.sent").tag("topic", topic).counter().count() < 3
                && System.nanoTime() < deadline) {
            sleep(50);
        }
        assertThat(registry.get("minikafka.binder.records.sent").tag("topic", topic).counter().count()).isEqualTo(3);

        HealthEndpoint health = app.getBean(HealthEndpoint.class);
        assertThat(health.healthForPath("binders", "minikafka").getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void polledRecordThatFailsIsRetriedThenDeadLetteredAndARequeuedOneComesBack() {
        String topic = unique("polledfail");
        var app = start("dlqSink", "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.pollable-source=polled",
                "--spring.cloud.stream.bindings.polled-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.polled-in-0.group=pollers",
                "--spring.cloud.stream.bindings.polled-in-0.consumer.max-attempts=2",
                "--spring.cloud.stream.bindings.polled-in-0.consumer.back-off-initial-interval=10",
                "--spring.cloud.stream.minikafka.bindings.polled-in-0.consumer.enable-dlq=true",
                "--spring.cloud.stream.bindings.dlqSink-in-0.destination=error." + topic + ".pollers",
                "--spring.cloud.stream.bindings.dlqSink-in-0.group=dlq-reader");
        PollableMessageSource source = app.getBean("polled-in-0", PollableMessageSource.class);
        send(app, "out", "bad", "again");

        int[] attempts = {0};
        awaitPolled(source, m -> {
            attempts[0]++;
            throw new IllegalStateException("cannot handle " + m.getPayload());
        });
        assertThat(attempts[0]).isEqualTo(2);
        Message<?> dead = messages(received(app, "dlqSink"), 1).getFirst();
        assertThat(dead.getPayload()).isEqualTo("bad");
        assertThat(text(dead.getHeaders().get("x-exception-message"))).contains("cannot handle bad");

        List<Object> seen = new ArrayList<>();
        awaitPolled(source, m -> {
            seen.add(m.getPayload());
            StaticMessageHeaderAccessor.getAcknowledgmentCallback(m).noAutoAck();
            StaticMessageHeaderAccessor.getAcknowledgmentCallback(m).acknowledge(AcknowledgmentCallback.Status.REQUEUE);
        });
        awaitPolled(source, m -> seen.add(m.getPayload()));
        assertThat(seen).containsExactly("again", "again");
    }

    private static void awaitPolled(PollableMessageSource source, org.springframework.messaging.MessageHandler handler) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            boolean polled;
            try {
                polled = source.poll(handler, new ParameterizedTypeReference<String>() {
                });
            } catch (RuntimeException e) {
                polled = true; // the handler's failure, after retries and recovery
            }
            if (polled) {
                return;
            }
            sleep(50);
        }
        throw new AssertionError("nothing to poll within " + WAIT);
    }

    @Test
    void failedBatchIsDeadLetteredRecordByRecord() {
        String topic = unique("batchfail");
        var app = start("failingBatch;dlqSink", "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.bindings.failingBatch-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.failingBatch-in-0.group=batched",
                "--spring.cloud.stream.bindings.failingBatch-in-0.consumer.batch-mode=true",
                "--spring.cloud.stream.bindings.failingBatch-in-0.consumer.max-attempts=1",
                "--spring.cloud.stream.minikafka.bindings.failingBatch-in-0.consumer.enable-dlq=true",
                "--spring.cloud.stream.bindings.dlqSink-in-0.destination=error." + topic + ".batched",
                "--spring.cloud.stream.bindings.dlqSink-in-0.group=dlq-reader");

        send(app, "out", "r1", "r2", "r3");

        List<Message<?>> dead = messages(received(app, "dlqSink"), 3);
        assertThat(dead).extracting(m -> (Object) m.getPayload()).containsExactly("r1", "r2", "r3");
        assertThat(dead).allSatisfy(m -> {
            assertThat(text(m.getHeaders().get("x-original-topic"))).isEqualTo(topic);
            assertThat(text(m.getHeaders().get("x-exception-message"))).startsWith("cannot process a batch of");
        });
        assertThat(dead).extracting(m -> text(m.getHeaders().get("x-original-offset"))).containsExactly("0", "1", "2");
    }

    @Test
    void healthIsUpWithTheBrokerAndDownWithoutIt() throws Exception {
        MiniKafkaBinderConfigurationProperties properties = new MiniKafkaBinderConfigurationProperties();
        properties.setBrokers(brokers);
        MiniKafkaBinderHealthIndicator up = new MiniKafkaBinderHealthIndicator(properties);
        assertThat(up.health(true).getStatus()).isEqualTo(Status.UP);
        up.destroy();

        properties.setBrokers("127.0.0.1:" + freePort());
        properties.setHealthTimeout(Duration.ofMillis(500));
        MiniKafkaBinderHealthIndicator down = new MiniKafkaBinderHealthIndicator(properties);
        assertThat(down.health(true).getStatus()).isEqualTo(Status.DOWN);
        down.destroy();
    }

    @Test
    void bindingsStartBeforeTheBrokerAndConnectOnceItIsUp(@TempDir Path lateDataDir) {
        int port = freePort();
        String topic = unique("late");
        List<String> args = new ArrayList<>(List.of("--spring.cloud.stream.default-binder=minikafka",
                "--spring.cloud.function.definition=sink", "--spring.main.banner-mode=off", "--spring.jmx.enabled=false",
                "--spring.cloud.stream.minikafka.binder.brokers=127.0.0.1:" + port,
                "--spring.cloud.stream.minikafka.binder.admin-timeout=1s",
                "--spring.cloud.stream.minikafka.binder.consumer.reconnect-backoff-max=1s",
                "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.bindings.sink-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.sink-in-0.group=late"));
        var app = new org.springframework.boot.builder.SpringApplicationBuilder(ContractApp.class)
                .web(org.springframework.boot.WebApplicationType.NONE).run(args.toArray(String[]::new));
        ConfigurableApplicationContext lateBroker = null;
        try {
            sleep(1_500); // the consumer fails to reach the broker a few times, backing off
            lateBroker = SpringApplication.run(BrokerApplication.class, "--minikafka.broker.data-dir=" + lateDataDir,
                    "--spring.grpc.server.address=127.0.0.1:" + port, "--server.port=0", "--server.address=127.0.0.1",
                    "--spring.main.banner-mode=off", "--spring.jmx.enabled=false");
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) { // the group starts at the earliest offset, so the consumer may join before or after this
                try {
                    send(app, "out", "after-start");
                    break;
                } catch (RuntimeException e) {
                    assertThat(System.nanoTime()).as("the producer reaches the broker: %s", e).isLessThan(deadline);
                    sleep(200);
                }
            }
            assertThat(payloads(received(app, "sink"), 1)).containsExactly("after-start");
        } finally {
            app.close();
            if (lateBroker != null) {
                lateBroker.close();
            }
        }
    }

    /**
     * The broker (auto-create-topics off, its default) is down as the binding starts, so the provisioner could only
     * log; the dead-letter topic is created by the first dead-letter write. (It was not: every write was refused
     * and the record committed, lost.)
     */
    @Test
    void aDeadLetterTopicTheBrokerWasDownToCreateIsCreatedByTheFirstDeadLetter(@TempDir Path lateDataDir) {
        int port = freePort();
        String topic = unique("dlqlate");
        var app = new org.springframework.boot.builder.SpringApplicationBuilder(ContractApp.class)
                .web(org.springframework.boot.WebApplicationType.NONE)
                .run("--spring.cloud.stream.default-binder=minikafka", "--spring.cloud.function.definition=failing",
                        "--spring.main.banner-mode=off", "--spring.jmx.enabled=false",
                        "--spring.cloud.stream.minikafka.binder.brokers=127.0.0.1:" + port,
                        "--spring.cloud.stream.minikafka.binder.admin-timeout=1s",
                        "--spring.cloud.stream.minikafka.binder.consumer.reconnect-backoff-max=1s",
                        "--spring.cloud.stream.bindings.out.destination=" + topic,
                        "--spring.cloud.stream.bindings.failing-in-0.destination=" + topic,
                        "--spring.cloud.stream.bindings.failing-in-0.group=late",
                        "--spring.cloud.stream.bindings.failing-in-0.consumer.max-attempts=1",
                        "--spring.cloud.stream.minikafka.bindings.failing-in-0.consumer.enable-dlq=true");
        ConfigurableApplicationContext lateBroker = null;
        try {
            lateBroker = SpringApplication.run(BrokerApplication.class, "--minikafka.broker.data-dir=" + lateDataDir,
                    "--minikafka.broker.auto-create-topics=false", "--spring.grpc.server.address=127.0.0.1:" + port,
                    "--spring.main.web-application-type=none", "--springdoc.api-docs.enabled=false",
                    "--spring.main.banner-mode=off", "--spring.jmx.enabled=false");
            sendOnceReachable(app, "out", "poison");
            assertThat(deadLetters("127.0.0.1:" + port, "error." + topic + ".late", 1)).containsExactly("poison");
        } finally {
            app.close();
            if (lateBroker != null) {
                lateBroker.close();
            }
        }
    }

    /** A dead-letter topic deleted after the binding created it is created again by the next dead-letter write. */
    @Test
    void aDeadLetterTopicDeletedAfterTheBindingStartedIsCreatedAgain() {
        String topic = unique("dlqgone");
        String dlq = "error." + topic + ".gone";
        var app = start("failing", "--spring.cloud.stream.bindings.out.destination=" + topic,
                "--spring.cloud.stream.output-bindings=out",
                "--spring.cloud.stream.bindings.failing-in-0.destination=" + topic,
                "--spring.cloud.stream.bindings.failing-in-0.group=gone",
                "--spring.cloud.stream.bindings.failing-in-0.consumer.max-attempts=1",
                "--spring.cloud.stream.minikafka.bindings.failing-in-0.consumer.enable-dlq=true");
        try (var admin = new MiniKafkaAdmin(brokers)) {
            admin.deleteTopic(dlq); // created as the binding started; the broker does not auto-create topics
        }

        send(app, "out", "poison");

        assertThat(deadLetters(brokers, dlq, 1)).containsExactly("poison");
    }

    private static void sendOnceReachable(ConfigurableApplicationContext app, String binding, String payload) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                send(app, binding, payload);
                return;
            } catch (RuntimeException e) {
                assertThat(System.nanoTime()).as("the producer reaches the broker: %s", e).isLessThan(deadline);
                sleep(200);
            }
        }
    }

    /** The values on partition 0 of a dead-letter topic, read without a group once the topic exists. */
    private static List<String> deadLetters(String bootstrap, String dlq, int count) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (var admin = new MiniKafkaAdmin(bootstrap)) {
            while (!admin.listTopicNames().contains(dlq)) {
                assertThat(System.nanoTime()).as("dead-letter topic %s exists", dlq).isLessThan(deadline);
                sleep(100);
            }
        }
        List<String> values = new ArrayList<>();
        try (var reader = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).build())) {
            reader.assign(List.of(new TopicPartition(dlq, 0)));
            while (values.size() < count && System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.valueAsString()));
            }
        }
        return values;
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
