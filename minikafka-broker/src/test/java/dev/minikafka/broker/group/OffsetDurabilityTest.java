package dev.minikafka.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.CommitOffsetsRequest;
import dev.minikafka.proto.v1.GroupsGrpc;
import dev.minikafka.proto.v1.OffsetCommit;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;

/**
 * Committed offsets are durable once acknowledged: they survive a broker restart on the embedded H2 and on
 * PostgreSQL, and a database outage fails commits clearly (UNAVAILABLE, naming the offset store) while
 * produce and fetch go on, losing nothing that was acknowledged.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OffsetDurabilityTest {

    private static final String TOPIC = "payments";
    private static final int PARTITIONS = 3;

    @TempDir
    Path dataDir;

    // ---- restarts ------------------------------------------------------------------------------------

    @Test
    void committedOffsetsSurviveARestartOnTheEmbeddedH2() {
        committedOffsetsSurviveARestart();
    }

    @Test
    void committedOffsetsSurviveARestartOnPostgreSQL() {
        String schema = PostgresTestDatabase.newSchema("offsets_restart");
        try {
            committedOffsetsSurviveARestart(PostgresTestDatabase.brokerArgs(PostgresTestDatabase.url(), schema));
            assertThat(storedOffsets(schema, "restart-group")).as("the rows are in PostgreSQL").hasSize(PARTITIONS);
        } finally {
            PostgresTestDatabase.dropSchema(schema);
        }
    }

    private void committedOffsetsSurviveARestart(String... dbArgs) {
        Map<TopicPartition, Long> expected;
        Map<TopicPartition, CommittedOffset> byHand;
        long startedMs = System.currentTimeMillis();
        ConfigurableApplicationContext broker = BrokerRunner.start(dataDir, dbArgs);
        try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap(broker))) {
            admin.createTopic(TOPIC, PARTITIONS);
            produce(bootstrap(broker), 0, 60);
            try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(consumerConfig(bootstrap(broker)))) {
                consumer.subscribe(List.of(TOPIC), "restart-group");
                assertThat(readAtLeast(consumer, 60)).hasSize(60);
                consumer.commitSync();
                expected = consumer.committed(allPartitions());
            }
            // A consumer assigned by hand commits for a group with no members, with metadata.
            ManagedChannel channel = Grpc.newChannelBuilder(bootstrap(broker), InsecureChannelCredentials.create()).build();
            try {
                GroupsGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).commitOffsets(
                        CommitOffsetsRequest.newBuilder().setGroupId("by-hand").addOffsets(OffsetCommit.newBuilder()
                                .setTopic(TOPIC).setPartition(1).setOffset(7).setMetadata("checkpoint 7")).build());
            } finally {
                channel.shutdownNow();
            }
            byHand = broker.getBean(GroupCoordinator.class).committed("by-hand");
            assertThat(byHand.get(new TopicPartition(TOPIC, 1)).commitTimeMs())
                    .as("the commit time the broker reports before a restart").isBetween(startedMs, System.currentTimeMillis());
        } finally {
            broker.close();
        }
        assertThat(expected).hasSize(PARTITIONS);
        assertThat(expected.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(60);

        broker = BrokerRunner.start(dataDir, dbArgs);
        try {
            GroupCoordinator coordinator = broker.getBean(GroupCoordinator.class);
            Map<TopicPartition, Long> reloaded = new HashMap<>();
            coordinator.committed("restart-group").forEach((tp, c) -> reloaded.put(tp, c.offset()));
            assertThat(reloaded).isEqualTo(expected);
            assertThat(coordinator.committed("by-hand")).hasSize(1).hasEntrySatisfying(new TopicPartition(TOPIC, 1), c -> {
                assertThat(c.offset()).isEqualTo(7);
                assertThat(c.metadata()).isEqualTo("checkpoint 7");
                assertThat(c.commitTimeMs()).isEqualTo(byHand.get(new TopicPartition(TOPIC, 1)).commitTimeMs());
            });
            // A new member resumes where the group left off: it reads only what came after the restart.
            produce(bootstrap(broker), 60, 15);
            try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(consumerConfig(bootstrap(broker)))) {
                consumer.subscribe(List.of(TOPIC), "restart-group");
                assertThat(consumer.committed(allPartitions())).isEqualTo(expected);
                List<ConsumerRecord> next = readAtLeast(consumer, 15);
                assertThat(next).extracting(OffsetDurabilityTest::number).containsExactlyInAnyOrderElementsOf(range(60, 75));
            }
        } finally {
            broker.close();
        }
    }

    // ---- a database outage ---------------------------------------------------------------------------

    @Test
    void aDatabaseOutageFailsCommitsClearlyWhileProduceAndFetchGoOnAndLosesNothingAcknowledged() throws Exception {
        String schema = PostgresTestDatabase.newSchema("offsets_outage");
        Matcher hostPort = Pattern.compile("//[^/:]+:(\\d+)/").matcher(PostgresTestDatabase.url());
        assertThat(hostPort.find()).as("a host:port in " + PostgresTestDatabase.url()).isTrue();
        LoopbackProxy proxy = new LoopbackProxy(Integer.parseInt(hostPort.group(1)));
        String proxiedUrl = PostgresTestDatabase.url().replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/");
        List<String> args = new ArrayList<>(List.of(PostgresTestDatabase.brokerArgs(proxiedUrl, schema)));
        args.add("--spring.datasource.hikari.connection-timeout=1000"); // the broker's default is 5 s
        args.add("--spring.datasource.hikari.validation-timeout=500");
        ConfigurableApplicationContext broker = BrokerRunner.start(dataDir, args.toArray(String[]::new));
        String bootstrap = bootstrap(broker);
        GroupCoordinator coordinator = broker.getBean(GroupCoordinator.class);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String health = "http://127.0.0.1:" + broker.getEnvironment().getProperty("local.server.port") + "/actuator/health";
        Map<TopicPartition, Long> acknowledged = new HashMap<>();
        Map<TopicPartition, Set<Long>> attempted = new HashMap<>();
        try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap);
             MiniKafkaConsumer consumer = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap)
                     .enableAutoCommit(false).requestTimeout(Duration.ofSeconds(15)).build())) {
            admin.createTopic(TOPIC, PARTITIONS);
            produce(bootstrap, 0, 30);
            consumer.subscribe(List.of(TOPIC), "outage-group");
            assertThat(readAtLeast(consumer, 30)).hasSize(30);
            commit(consumer, acknowledged, attempted);
            String memberBefore = coordinator.describe("outage-group").members().get(0).memberId();
            HttpResponse<String> healthBefore = get(http, health);
            HttpResponse<String> dbBefore = get(http, health + "/db");

            proxy.cut();
            long cutAt = System.nanoTime();
            List<Long> failedCommitMs = new ArrayList<>();
            int next = 30;
            for (int round = 0; round < 3; round++) {
                produce(bootstrap, next, 10); // produce is unaffected
                List<ConsumerRecord> read = readAtLeast(consumer, 10); // and so is Subscribe
                assertThat(read).extracting(OffsetDurabilityTest::number).containsExactlyInAnyOrderElementsOf(range(next, next + 10));
                next += 10;
                long start = System.nanoTime();
                assertThatThrownBy(() -> commit(consumer, acknowledged, attempted)).isInstanceOf(MiniKafkaException.class)
                        .satisfies(e -> {
                            Status status = Status.fromThrowable(e.getCause());
                            assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                            assertThat(status.getDescription()).contains("offset store is unreachable")
                                    .contains("Produce and fetch are unaffected");
                        });
                failedCommitMs.add((System.nanoTime() - start) / 1_000_000);
            }
            assertThat(failedCommitMs).as("each failed commit is answered within a bound").allMatch(ms -> ms < 5_000);
            Map<TopicPartition, Long> inMemory = new HashMap<>();
            coordinator.committed("outage-group").forEach((tp, c) -> inMemory.put(tp, c.offset()));
            assertThat(inMemory).as("nothing unstored is served as committed").isEqualTo(acknowledged);
            assertThat(coordinator.describe("outage-group").members()).singleElement()
                    .satisfies(m -> assertThat(m.memberId()).as("membership does not depend on the database").isEqualTo(memberBefore));
            HttpResponse<String> healthDuring = get(http, health);

            proxy.restore();
            long restoredAt = System.nanoTime();
            // Right after the outage the table may hold a commit that failed on its way back (stored, but
            // the answer was lost); never less than what was acknowledged.
            Map<TopicPartition, Long> stored = storedOffsets(schema, "outage-group");
            acknowledged.forEach((tp, offset) -> {
                assertThat(stored.get(tp)).as("acknowledged offset of %s is stored", tp).isGreaterThanOrEqualTo(offset);
                assertThat(attempted.get(tp)).contains(stored.get(tp));
            });
            long recoveredAfterMs = -1;
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (recoveredAfterMs < 0) {
                try {
                    commit(consumer, acknowledged, attempted);
                    recoveredAfterMs = (System.nanoTime() - restoredAt) / 1_000_000;
                } catch (MiniKafkaException e) {
                    assertThat(System.nanoTime()).as("commits succeed again within 15 s: " + e.getMessage()).isLessThan(deadline);
                }
            }
            assertThat(storedOffsets(schema, "outage-group")).as("every acknowledged commit is in the database").isEqualTo(acknowledged);
            assertThat(acknowledged.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(next);
            HttpResponse<String> healthAfter = get(http, health);

            System.out.printf("%n== Offset store outage (PostgreSQL behind a proxy, Hikari connection-timeout 1000 ms) ==%n");
            System.out.printf("   failed commits answered after %s ms (outage %d ms)%n", failedCommitMs,
                    (restoredAt - cutAt) / 1_000_000);
            System.out.printf("   first commit after restore succeeded after %d ms%n", recoveredAfterMs);
            System.out.printf("   /actuator/health before: %d %s%n   during: %d %s%n   after: %d %s%n   /actuator/health/db: %d%n",
                    healthBefore.statusCode(), healthBefore.body(), healthDuring.statusCode(), healthDuring.body(),
                    healthAfter.statusCode(), healthAfter.body(), dbBefore.statusCode());
            // Components are not shown (show-details defaults to never), but the database indicator decides
            // the overall status: DOWN while the database is unreachable.
            assertThat(healthBefore.statusCode()).isEqualTo(200);
            assertThat(healthDuring.statusCode()).isEqualTo(503);
            assertThat(healthDuring.body()).contains("\"status\":\"DOWN\"");
            assertThat(healthAfter.statusCode()).isEqualTo(200);
        } finally {
            broker.close();
            proxy.close();
            PostgresTestDatabase.dropSchema(schema);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** Commits the consumer's positions, recording what was tried and, once it returns, what was acknowledged. */
    private static void commit(MiniKafkaConsumer consumer, Map<TopicPartition, Long> acknowledged,
            Map<TopicPartition, Set<Long>> attempted) {
        Map<TopicPartition, Long> positions = new LinkedHashMap<>();
        consumer.assignment().forEach(tp -> positions.put(tp, consumer.position(tp)));
        positions.forEach((tp, offset) -> attempted.computeIfAbsent(tp, k -> new HashSet<>()).add(offset));
        consumer.commitSync(positions);
        acknowledged.putAll(positions);
    }

    private static Map<TopicPartition, Long> storedOffsets(String schema, String group) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(PostgresTestDatabase.url(), PostgresTestDatabase.user(), "");
             PreparedStatement query = connection.prepareStatement("SELECT topic, partition_id, committed_offset FROM "
                     + schema + ".committed_offsets WHERE group_id = ?")) {
            query.setString(1, group);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    offsets.put(new TopicPartition(rows.getString(1), rows.getInt(2)), rows.getLong(3));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return offsets;
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String bootstrap(ConfigurableApplicationContext broker) {
        return "127.0.0.1:" + BrokerRunner.grpcPort(broker);
    }

    private static ConsumerConfig consumerConfig(String bootstrap) {
        return ConsumerConfig.builder(bootstrap).requestTimeout(Duration.ofSeconds(10)).build();
    }

    private static Set<TopicPartition> allPartitions() {
        Set<TopicPartition> all = new HashSet<>();
        for (int p = 0; p < PARTITIONS; p++) {
            all.add(new TopicPartition(TOPIC, p));
        }
        return all;
    }

    private static void produce(String bootstrap, int from, int count) {
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).build())) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord(TOPIC, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /** Polls until at least {@code count} records came, for at most 20 s; returns what came. */
    private static List<ConsumerRecord> readAtLeast(MiniKafkaConsumer consumer, int count) {
        List<ConsumerRecord> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (records.size() < count && System.nanoTime() < deadline) {
            records.addAll(consumer.poll(Duration.ofMillis(200)));
        }
        return records;
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> list = new ArrayList<>();
        for (int i = from; i < to; i++) {
            list.add(i);
        }
        return list;
    }

    private static int number(ConsumerRecord record) {
        return Integer.parseInt(new String(record.value(), StandardCharsets.UTF_8));
    }
}
