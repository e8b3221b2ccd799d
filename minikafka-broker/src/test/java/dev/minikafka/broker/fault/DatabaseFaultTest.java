package dev.minikafka.broker.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.broker.support.LoopbackProxy;
import dev.minikafka.broker.support.PostgresTestDatabase;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.RecordMetadata;
import dev.minikafka.client.TopicPartition;
import io.grpc.Status;

/**
 * PostgreSQL (the offset store) goes away under load, behind a proxy, while producers send and a consumer
 * group reads and commits: the connection cut (the database went down), and the database that stops
 * answering (a partition: packets vanish, nobody closes anything). Produce and fetch go on, commits fail
 * with UNAVAILABLE within a bound and succeed once the database is back, nothing acknowledged is lost, and
 * the health endpoint shows the database DOWN while readiness stays UP.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DatabaseFaultTest {

    private static final String TOPIC = "orders";
    private static final int PARTITIONS = 3;
    private static final long COMMIT_TIMEOUT_MS = 2_000;

    @TempDir
    Path dataDir;

    private String schema;
    private LoopbackProxy proxy;
    private ConfigurableApplicationContext broker;
    private String bootstrap;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicBoolean producing = new AtomicBoolean(true);
    private final Map<TopicPartition, Set<Long>> acked = new ConcurrentHashMap<>();
    private final List<Thread> producers = new ArrayList<>();

    @BeforeEach
    void startBrokerBehindAProxy() {
        schema = PostgresTestDatabase.newSchema("db_fault");
        Matcher hostPort = Pattern.compile("//[^/:]+:(\\d+)/").matcher(PostgresTestDatabase.url());
        assertThat(hostPort.find()).as("a host:port in " + PostgresTestDatabase.url()).isTrue();
        proxy = new LoopbackProxy(Integer.parseInt(hostPort.group(1)));
        String proxiedUrl = PostgresTestDatabase.url().replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/");
        List<String> args = new ArrayList<>(List.of(PostgresTestDatabase.brokerArgs(proxiedUrl, schema)));
        args.add("--minikafka.broker.groups.commit-timeout=" + COMMIT_TIMEOUT_MS + "ms");
        args.add("--spring.datasource.hikari.connection-timeout=1000");
        args.add("--spring.datasource.hikari.validation-timeout=500");
        // The broker's default is 30 s (DatabaseTimeouts); short here so the test sees it end a silent read.
        args.add("--spring.datasource.hikari.data-source-properties.socketTimeout=3");
        broker = BrokerRunner.start(dataDir, args.toArray(String[]::new));
        bootstrap = "127.0.0.1:" + BrokerRunner.grpcPort(broker);
        try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap)) {
            admin.createTopic(TOPIC, PARTITIONS);
        }
        for (int i = 0; i < 2; i++) {
            int producerId = i;
            Thread producer = new Thread(() -> produceUntilStopped(producerId), "db-fault-producer-" + i);
            producer.start();
            producers.add(producer);
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        producing.set(false);
        for (Thread producer : producers) {
            producer.join(30_000);
        }
        broker.close();
        proxy.close();
        PostgresTestDatabase.dropSchema(schema);
    }

    @Test
    void whileTheDatabaseIsDownCommitsFailUnavailableAndProduceAndFetchGoOn() throws Exception {
        try (MiniKafkaConsumer consumer = groupMember()) {
            assertThat(pollAndCommit(consumer, Duration.ofSeconds(2)).failures).as("commits work before the outage").isEmpty();
            assertThat(health("")).isEqualTo(200);

            proxy.cut();
            long ackedAtCut = ackedCount();
            Round during = pollAndCommit(consumer, Duration.ofSeconds(4));
            assertThat(during.records).as("fetch goes on without the database").isPositive();
            assertThat(ackedCount()).as("produce goes on without the database").isGreaterThan(ackedAtCut);
            assertThat(during.commits).as("no commit succeeds without the database").isZero();
            assertThat(during.failures).isNotEmpty().allSatisfy(DatabaseFaultTest::isUnavailableNamingTheOffsetStore);
            assertThat(during.slowestCommitMs).as("each failed commit is answered within a bound")
                    .isLessThan(COMMIT_TIMEOUT_MS + 3_000);
            assertThat(health("")).as("/actuator/health: the database is DOWN").isEqualTo(503);
            assertThat(health("/readiness")).as("readiness stays UP: produce and fetch work").isEqualTo(200);
            assertThat(health("/liveness")).isEqualTo(200);

            proxy.restore();
            long restoredAt = System.nanoTime();
            assertThat(commitsAgainWithin(consumer, Duration.ofSeconds(20))).isTrue();
            report("cut", during, ackedCount() - ackedAtCut, (System.nanoTime() - restoredAt) / 1_000_000);
            assertThat(health("")).as("/actuator/health after the outage").isEqualTo(200);
        }
        everythingAcknowledgedIsReadable();
    }

    @Test
    void aDatabaseThatStopsAnsweringFailsCommitsAfterTheCommitTimeoutNotAHang() throws Exception {
        try (MiniKafkaConsumer consumer = groupMember()) {
            assertThat(pollAndCommit(consumer, Duration.ofSeconds(2)).failures).isEmpty();

            // Frozen right after a commit: the pool's connection was used a moment ago, so the next commit
            // goes out on it unchecked and waits on a socket that will never answer.
            proxy.freeze();
            long ackedAtFreeze = ackedCount();
            Round during = pollAndCommit(consumer, Duration.ofSeconds(5));
            assertThat(during.records).as("fetch goes on").isPositive();
            assertThat(ackedCount()).as("produce goes on").isGreaterThan(ackedAtFreeze);
            assertThat(during.commits).isZero();
            assertThat(during.failures).isNotEmpty().allSatisfy(DatabaseFaultTest::isUnavailableNamingTheOffsetStore);
            assertThat(during.slowestCommitMs).as("answered after commit-timeout, not left hanging")
                    .isLessThan(COMMIT_TIMEOUT_MS + 3_000);

            // The network heals for new connections only; the old ones stay silent forever. Only the driver's
            // socket timeout frees the commit thread and the pool from them.
            proxy.abandon();
            long healedAt = System.nanoTime();
            assertThat(commitsAgainWithin(consumer, Duration.ofSeconds(30))).isTrue();
            report("frozen", during, ackedCount() - ackedAtFreeze, (System.nanoTime() - healedAt) / 1_000_000);
            assertThat(health("")).isEqualTo(200);
        }
        everythingAcknowledgedIsReadable();
    }

    // ---- the load and the checks -----------------------------------------------------------------

    private void produceUntilStopped(int producerId) {
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap)
                .deliveryTimeout(Duration.ofSeconds(60)).build())) {
            long number = (long) producerId << 32;
            while (producing.get()) {
                RecordMetadata ack = producer.send(Numbered.record(TOPIC, number++)).get(60, TimeUnit.SECONDS);
                acked.computeIfAbsent(new TopicPartition(ack.topic(), ack.partition()), tp -> ConcurrentHashMap.newKeySet())
                        .add(ack.offset());
                Thread.sleep(2); // a steady stream, not a flood: this test is about the database
            }
        } catch (Exception e) {
            if (producing.get()) {
                throw new IllegalStateException("a producer failed while the database was out", e);
            }
        }
    }

    private long ackedCount() {
        return acked.values().stream().mapToLong(Set::size).sum();
    }

    private MiniKafkaConsumer groupMember() {
        MiniKafkaConsumer consumer = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).enableAutoCommit(false)
                .requestTimeout(Duration.ofSeconds(15)).build());
        consumer.subscribe(List.of(TOPIC), "db-fault-group");
        return consumer;
    }

    private record Round(long records, int commits, List<MiniKafkaException> failures, long slowestCommitMs) {
    }

    /** Polls and commits after every poll for {@code length}. */
    private static Round pollAndCommit(MiniKafkaConsumer consumer, Duration length) {
        long records = 0;
        int commits = 0;
        long slowest = 0;
        List<MiniKafkaException> failures = new ArrayList<>();
        long end = System.nanoTime() + length.toNanos();
        while (System.nanoTime() < end) {
            records += consumer.poll(Duration.ofMillis(100)).size();
            long start = System.nanoTime();
            try {
                consumer.commitSync();
                commits++;
            } catch (MiniKafkaException e) {
                failures.add(e);
            }
            slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
        }
        return new Round(records, commits, failures, slowest);
    }

    private static void report(String fault, Round during, long ackedSince, long recoveredMs) {
        System.out.printf("%n== PostgreSQL %s under load: %d records fetched and %d acked since the fault, %d commits"
                + " failed UNAVAILABLE (slowest answer %d ms), commits succeed again %d ms after the database is back ==%n",
                fault, during.records, ackedSince, during.failures.size(), during.slowestCommitMs, recoveredMs);
    }

    private static boolean commitsAgainWithin(MiniKafkaConsumer consumer, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100));
            try {
                consumer.commitSync();
                return true;
            } catch (MiniKafkaException e) {
                isUnavailableNamingTheOffsetStore(e);
            }
        }
        return false;
    }

    private static void isUnavailableNamingTheOffsetStore(MiniKafkaException e) {
        Status status = Status.fromThrowable(e.getCause() != null ? e.getCause() : e);
        assertThat(status.getCode()).as(e.getMessage()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).contains("offset store");
    }

    private void everythingAcknowledgedIsReadable() {
        producing.set(false);
        for (Thread producer : producers) {
            try {
                producer.join(60_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        assertThat(ackedCount()).isPositive();
        for (int p = 0; p < PARTITIONS; p++) {
            TopicPartition tp = new TopicPartition(TOPIC, p);
            Set<Long> expected = acked.getOrDefault(tp, Set.of());
            Set<Long> read = new HashSet<>();
            for (ConsumerRecord record : Numbered.readFromStart(bootstrap, tp, expected.size())) {
                read.add(record.offset());
            }
            assertThat(read).as("every acknowledged offset of %s is in the log", tp).containsAll(expected);
        }
    }

    private int health(String group) throws Exception {
        String url = "http://127.0.0.1:" + broker.getEnvironment().getProperty("local.server.port") + "/actuator/health" + group;
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }
}
