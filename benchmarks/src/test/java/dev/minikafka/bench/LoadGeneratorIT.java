package dev.minikafka.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.minikafka.bench.testing.BrokerProcess;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;

/**
 * The load generator's three commands as a user runs them, against a broker of its own (the exec jar on loopback),
 * with small counts: every record it reports is in the log, the consumer reads back what is there, a paced run
 * keeps its rate, and {@code e2e} receives every record it acknowledged. Part of {@code ./mvnw verify} (failsafe).
 */
class LoadGeneratorIT {

    /** Bounds every run, so a broken run fails the test instead of hanging the build. */
    private static final String TIMEOUT = "90s";

    @TempDir
    static Path dataDir;

    private static BrokerProcess broker;

    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void startBroker() throws Exception {
        Path workDir = Path.of("target", "load-generator-it");
        Files.createDirectories(workDir);
        broker = BrokerProcess.start(dataDir, workDir);
    }

    @AfterAll
    static void stopBroker() throws InterruptedException {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void producedRecordsAreInTheLogAndConsumeReadsThemAllBack() throws Exception {
        JsonNode produced = run("produce", "--topic", "lg-produce", "--partitions", "4", "--records", "20000", "--threads", "2");
        assertThat(produced.path("records").asLong()).isEqualTo(20_000);
        assertThat(produced.path("details").path("sent").asLong()).isEqualTo(20_000);
        assertThat(produced.path("errors").asLong()).isZero();
        assertThat(produced.path("timedOut").asBoolean()).isFalse();
        assertOrderedPercentiles(produced.path("latency"), 20_000);
        assertThat(broker.recordsIn("lg-produce")).isEqualTo(20_000);

        JsonNode consumed = run("consume", "--topic", "lg-produce", "--threads", "2");
        assertThat(consumed.path("details").path("availableAtStart").asLong()).isEqualTo(20_000);
        assertThat(consumed.path("records").asLong()).isEqualTo(20_000);
        assertThat(consumed.path("bytes").asLong()).isEqualTo(20_000L * 100);

        JsonNode inAGroup = run("consume", "--topic", "lg-produce", "--threads", "2", "--group", "lg-readers");
        assertThat(inAGroup.path("records").asLong()).isEqualTo(20_000);
    }

    @Test
    void consumeCountsWhatTheTopicHeldAtItsStartWhileAProducerKeepsWriting() throws Exception {
        run("produce", "--topic", "lg-growing", "--partitions", "4", "--records", "20000", "--threads", "2");
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> keepWriting("lg-growing", stop), "it-writer");
        writer.start();
        try {
            awaitMoreThan("lg-growing", 20_000);
            assertConsumeCountsWhatTheTopicHeldAtItsStart("lg-growing", "--threads", "2");
            assertConsumeCountsWhatTheTopicHeldAtItsStart("lg-growing", "--group", "lg-growing-readers");
        } finally {
            stop.set(true);
            writer.join(30_000);
        }
    }

    private void assertConsumeCountsWhatTheTopicHeldAtItsStart(String topic, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--topic", topic));
        args.addAll(List.of(options));
        JsonNode report = run("consume", args.toArray(String[]::new));
        long heldAtStart = report.path("details").path("availableAtStart").asLong();
        assertThat(heldAtStart).as("records written before this run").isGreaterThan(20_000);
        assertThat(report.path("records").asLong()).as("records counted by consume %s", args).isEqualTo(heldAtStart);
        assertThat(broker.recordsIn(topic)).as("the topic grew while consume %s ran", args).isGreaterThan(heldAtStart);
    }

    /** Writes small records to the topic, about 20,000 a second, until told to stop (at most 2 million). */
    private void keepWriting(String topic, AtomicBoolean stop) {
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(broker.bootstrap()).build())) {
            byte[] value = new byte[100];
            for (int i = 0; i < 2_000_000 && !stop.get(); i++) {
                producer.send(new ProducerRecord(topic, value));
                if (i % 100 == 99) {
                    Thread.sleep(5);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitMoreThan(String topic, long records) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (broker.recordsIn(topic) <= records) {
            assertThat(System.nanoTime() - deadline).as("%s to grow past %d records", topic, records).isNegative();
            Thread.sleep(50);
        }
    }

    @Test
    void aPacedDurableRunKeepsItsRateAcrossSeveralProducerInstances() throws Exception {
        JsonNode report = run("produce", "--topic", "lg-durable", "--acks", "DURABLE", "--threads", "4", "--producers", "2",
                "--rate", "4000", "--records", "8000", "--warmup-records", "2000");
        assertThat(report.path("records").asLong()).isEqualTo(8_000);
        assertThat(report.path("errors").asLong()).isZero();
        assertOrderedPercentiles(report.path("latency"), 8_000);
        // 8,000 records at 4,000/s cannot be done in much less than two seconds: the pacer holds the rate.
        assertThat(report.path("seconds").asDouble()).isGreaterThanOrEqualTo(1.9);
        assertThat(broker.recordsIn("lg-durable")).as("warm-up and measured records").isEqualTo(10_000);
    }

    @Test
    void endToEndReceivesEveryAcknowledgedRecordAndMeasuresThoseAfterTheWarmUp() throws Exception {
        JsonNode report = run("e2e", "--topic", "lg-e2e", "--rate", "2000", "--duration", "3s", "--warmup", "1s");
        JsonNode details = report.path("details");
        long sent = details.path("sent").asLong();
        assertThat(sent).as("3 s at 2,000 records/s").isBetween(5_900L, 6_000L);
        assertThat(details.path("acked").asLong()).isEqualTo(sent);
        assertThat(details.path("received").asLong()).isEqualTo(sent);
        assertThat(details.path("missing").asLong()).isZero();
        assertThat(details.path("duplicates").asLong()).isZero();
        long measured = details.path("measured").asLong();
        // Those due in the last 2 s, plus any due earlier that a sender running late sent after the warm-up.
        long lateAtMost = (long) Math.ceil(details.path("maxSendLagMs").asDouble() * 2);
        assertThat(measured).as("the records sent after the 1 s warm-up").isBetween(3_800L, 4_010L + lateAtMost);
        assertOrderedPercentiles(report.path("latency"), measured);
        assertThat(broker.recordsIn("lg-e2e")).isEqualTo(sent);
    }

    private static void assertOrderedPercentiles(JsonNode latency, long count) {
        assertThat(latency.path("count").asLong()).isEqualTo(count);
        double p50 = latency.path("p50").asDouble();
        assertThat(p50).isPositive();
        assertThat(latency.path("p99").asDouble()).isGreaterThanOrEqualTo(p50);
        assertThat(latency.path("max").asDouble()).isGreaterThanOrEqualTo(latency.path("p99").asDouble());
    }

    /** Runs one load generator command with {@code --json} against the broker; it must exit 0. Returns the report. */
    private JsonNode run(String command, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(command, "--bootstrap", broker.bootstrap(), "--timeout", TIMEOUT, "--json"));
        args.addAll(List.of(options));
        PrintStream originalOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            exit = LoadGenerator.run(args.toArray(String[]::new));
        } finally {
            System.setOut(originalOut);
        }
        String printed = out.toString(StandardCharsets.UTF_8).strip();
        assertThat(exit).as("exit code of %s; it printed: %s", args, printed).isEqualTo(ExitCodes.OK);
        String[] lines = printed.split("\n");
        return json.readTree(lines[lines.length - 1]);
    }
}
