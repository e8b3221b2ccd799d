package dev.minikafka.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.client.Acks;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.RecordMetadata;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.ConsumerGrpc;
import dev.minikafka.proto.v1.FetchPartition;
import dev.minikafka.proto.v1.FetchRequest;
import dev.minikafka.proto.v1.FetchResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real broker with the default one-second snapshot interval: records produced and consumed over gRPC
 * show up on the SSE stream, on {@code GET /api/v1/metrics} and at {@code /actuator/prometheus}.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MetricsEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dataDir;

    private static ConfigurableApplicationContext broker;
    private static String bootstrap;
    private static URI http;
    private static MiniKafkaAdmin admin;
    private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startBroker() {
        broker = BrokerRunner.start(dataDir, "--minikafka.broker.metrics.max-streams=2");
        bootstrap = "127.0.0.1:" + BrokerRunner.grpcPort(broker);
        http = URI.create("http://127.0.0.1:" + broker.getEnvironment().getProperty("local.server.port"));
        admin = new MiniKafkaAdmin(bootstrap);
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        broker.close();
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(http.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode partition(JsonNode snapshot, String topic, int partition) {
        for (JsonNode t : snapshot.path("topics")) {
            if (t.path("topic").asString().equals(topic)) {
                for (JsonNode p : t.path("partitions")) {
                    if (p.path("partition").asInt() == partition) {
                        return p;
                    }
                }
            }
        }
        return null;
    }

    private static void produce(String topic, int partition, int count) {
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).acks(Acks.LEADER).build())) {
            for (int i = 0; i < count; i++) {
                acks.add(producer.send(new ProducerRecord(topic, partition, null, null,
                        ("value-" + i).getBytes(StandardCharsets.UTF_8), List.of())));
            }
            producer.flush();
        }
        acks.forEach(CompletableFuture::join);
    }

    /** Reads a partition with the Java client (Subscribe streams) until {@code count} records came. */
    private static void consumeWithSubscribe(TopicPartition partition, int count) {
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).build())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, 0);
            int read = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (read < count && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(500)).size();
            }
            assertThat(read).isEqualTo(count);
        }
    }

    /** Reads a partition with one plain gRPC Fetch. */
    private static void consumeWithFetch(TopicPartition partition) {
        ManagedChannel channel = NettyChannelBuilder.forTarget(bootstrap).usePlaintext().build();
        try {
            FetchResponse response = ConsumerGrpc.newBlockingStub(channel).withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
                    .fetch(FetchRequest.newBuilder().setMaxWaitMs(1000).addPartitions(FetchPartition.newBuilder()
                            .setTopic(partition.topic()).setPartition(partition.partition()).setFetchOffset(0)).build());
            assertThat(response.getPartitions(0).getBatches().isEmpty()).isFalse();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void shouldStreamRatesOffsetsAndLatencyOfThePartitionsThatWereUsed() throws Exception {
        admin.createTopic("metered", 3);
        try (SseReader stream = SseReader.open(client, http.resolve("/api/v1/metrics/stream"))) {
            SseReader.Event first = stream.next(WAIT);
            assertThat(first).as("a snapshot at once").isNotNull();
            assertThat(first.name()).isEqualTo("snapshot");
            assertThat(first.retry()).isEqualTo("3000");

            produce("metered", 1, 400);
            produce("metered", 2, 100);
            consumeWithSubscribe(new TopicPartition("metered", 1), 400);
            consumeWithFetch(new TopicPartition("metered", 2));

            List<Long> ids = new ArrayList<>(List.of(Long.parseLong(first.id())));
            boolean producedSeen = false, subscribedSeen = false, fetchedSeen = false, latencySeen = false, offsetsSeen = false;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!(producedSeen && subscribedSeen && fetchedSeen && latencySeen && offsetsSeen) && System.nanoTime() < deadline) {
                SseReader.Event event = stream.next(Duration.ofSeconds(5));
                if (event == null) {
                    continue;
                }
                ids.add(Long.parseLong(event.id()));
                JsonNode snapshot = JSON.readTree(event.data());
                assertThat(snapshot.path("seq").asLong()).isEqualTo(Long.parseLong(event.id()));
                JsonNode p0 = partition(snapshot, "metered", 0);
                JsonNode p1 = partition(snapshot, "metered", 1);
                JsonNode p2 = partition(snapshot, "metered", 2);
                if (p1 == null) {
                    continue; // a snapshot taken before the topic existed
                }
                assertThat(p0.path("rates").path("eventsInPerSec").asDouble()).as("nothing went to partition 0").isZero();
                assertThat(p0.path("logEndOffset").asLong()).isZero();
                producedSeen |= p1.path("rates").path("eventsInPerSec").asDouble() > 0
                        && p1.path("rates").path("bytesInPerSec").asDouble() > 0;
                subscribedSeen |= p1.path("rates").path("eventsOutPerSec").asDouble() > 0
                        && p1.path("rates").path("bytesOutPerSec").asDouble() > 0;
                fetchedSeen |= p2.path("rates").path("eventsOutPerSec").asDouble() > 0;
                offsetsSeen |= p1.path("logEndOffset").asLong() == 400 && p2.path("logEndOffset").asLong() == 100;
                JsonNode latency = snapshot.path("latencyMs");
                if (latency.path("count").asLong() > 0) {
                    latencySeen = true;
                    assertThat(latency.path("p50").asDouble()).isPositive();
                    assertThat(latency.path("p95").asDouble()).isGreaterThanOrEqualTo(latency.path("p50").asDouble());
                    assertThat(latency.path("p99").asDouble()).isGreaterThanOrEqualTo(latency.path("p95").asDouble());
                }
            }
            assertThat(producedSeen).as("a produce rate on partition 1").isTrue();
            assertThat(subscribedSeen).as("a consume rate on partition 1 (Subscribe)").isTrue();
            assertThat(fetchedSeen).as("a consume rate on partition 2 (Fetch)").isTrue();
            assertThat(offsetsSeen).as("log end offsets 400 and 100").isTrue();
            assertThat(latencySeen).as("enqueue latency percentiles").isTrue();
            assertThat(ids).as("event ids increase").isSorted().doesNotHaveDuplicates();
        }

        HttpResponse<String> latest = get("/api/v1/metrics");
        assertThat(latest.statusCode()).isEqualTo(200);
        JsonNode snapshot = JSON.readTree(latest.body());
        assertThat(partition(snapshot, "metered", 1).path("logEndOffset").asLong()).isEqualTo(400);
        assertThat(partition(snapshot, "metered", 1).path("queueDepth").asLong()).as("no group: all retained").isEqualTo(400);
        assertThat(snapshot.path("groups").isArray()).isTrue();

        String prometheus = get("/actuator/prometheus").body();
        assertThat(sample(prometheus, "minikafka_produced_records_total", "metered", 1)).isEqualTo(400);
        assertThat(sample(prometheus, "minikafka_consumed_records_total", "metered", 1)).isGreaterThanOrEqualTo(400);
        assertThat(sample(prometheus, "minikafka_consumed_records_total", "metered", 2)).isGreaterThanOrEqualTo(100);
        assertThat(sample(prometheus, "minikafka_partition_log_end_offset", "metered", 1)).isEqualTo(400);
        assertThat(sample(prometheus, "minikafka_partition_queue_depth", "metered", 1)).isEqualTo(400);
        assertThat(prometheus).contains("minikafka_produced_bytes_total{", "minikafka_consumed_bytes_total{",
                "minikafka_partition_pending_bytes{", "minikafka_partition_pending_appends{",
                "minikafka_partition_log_start_offset{", "minikafka_produce_enqueue_latency_seconds_bucket{",
                "minikafka_producers_active ", "minikafka_consumers_active ", "minikafka_subscriptions_active ",
                "minikafka_fetches_active ", "minikafka_groups_active ", "minikafka_groups_members ",
                "minikafka_groups_rebalances_total ");
    }

    @Test
    void shouldTimeUnaryGrpcCallsButNotTheStreamsThatLiveAsLongAsTheirConnection() throws Exception {
        admin.createTopic("observed", 1);
        produce("observed", 0, 10); // a Produce stream, ended by the producer's close
        consumeWithSubscribe(new TopicPartition("observed", 0), 10);
        String prometheus = get("/actuator/prometheus").body();
        List<String> grpcLines = prometheus.lines().filter(line -> line.startsWith("grpc_server")).toList();
        assertThat(grpcLines).as("unary calls are timed")
                .anyMatch(line -> line.contains("rpc_method=\"CreateTopic\""));
        assertThat(grpcLines).as("streams are not observed")
                .noneMatch(line -> line.contains("rpc_method=\"Produce\"") || line.contains("rpc_method=\"Subscribe\""));
    }

    @Test
    void shouldSendTheLatestSnapshotToANewStreamAtOnceAndRefuseStreamsPastTheBound() throws Exception {
        SnapshotStreams streams = broker.getBean(SnapshotStreams.class);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (streams.openStreams() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50); // a stream closed by the other test is dropped at its next failed send
        }
        try (SseReader one = SseReader.open(client, http.resolve("/api/v1/metrics/stream"))) {
            assertThat(one.next(WAIT)).isNotNull();
            SseReader.Event tick = one.next(WAIT); // just published: the next one is about a second away
            assertThat(tick).isNotNull();
            long opened = System.nanoTime();
            // Timed from before connecting: the response's headers go out with its first event.
            try (SseReader two = SseReader.open(client, http.resolve("/api/v1/metrics/stream"))) {
                SseReader.Event first = two.next(WAIT);
                assertThat(first).isNotNull();
                assertThat(Duration.ofNanos(System.nanoTime() - opened)).as("the latest snapshot, without waiting for the next")
                        .isLessThan(Duration.ofMillis(700));
                assertThat(Long.parseLong(first.id())).isGreaterThanOrEqualTo(Long.parseLong(tick.id()));

                HttpResponse<String> refused = client.send(HttpRequest.newBuilder(http.resolve("/api/v1/metrics/stream"))
                        .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("3");
                JsonNode problem = JSON.readTree(refused.body());
                assertThat(problem.path("status").asInt()).isEqualTo(503);
                assertThat(problem.path("detail").asString()).contains("max-streams");
            }
        }
    }

    /** The value of a per-partition sample in Prometheus text format. */
    private static double sample(String prometheus, String name, String topic, int partition) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{partition=\"" + partition + "\",topic=\"" + topic + "\"[^}]*} (\\S+)$")
                .matcher(prometheus);
        assertThat(m.find()).as(name + " for " + topic + "-" + partition).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
