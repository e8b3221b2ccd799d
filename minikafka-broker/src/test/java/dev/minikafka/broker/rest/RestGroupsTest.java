package dev.minikafka.broker.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.minikafka.broker.support.BrokerOverLoopback;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.TopicPartition;
import tools.jackson.databind.JsonNode;

/** The consumer group endpoints over real HTTP, with real group members on the gRPC side. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RestGroupsTest extends BrokerOverLoopback {

    private static AdminApi api;

    @BeforeAll
    static void connect() {
        api = new AdminApi(broker);
    }

    @Test
    void describesALiveGroupAndRefusesToResetOrDeleteIt() {
        admin.createTopic("orders-in", 2);
        produce("orders-in", 0, 30);
        produce("orders-in", 1, 10);
        try (MiniKafkaConsumer member = consumer("describer")) {
            member.subscribe(List.of("orders-in"), "orders");
            assertThat(readAll(member, 40)).hasSize(40);
            member.commitSync();
            produce("orders-in", 0, 5);

            JsonNode group = api.get("/api/v1/groups/orders").body();
            assertThat(group.get("state").asString()).isEqualTo("STABLE");
            assertThat(group.get("lag").asLong()).isEqualTo(5);
            JsonNode m = group.get("members").get(0);
            assertThat(m.get("clientId").asString()).isEqualTo("describer");
            assertThat(m.get("memberEpoch").asInt()).isPositive();
            assertThat(m.get("assignment")).hasSize(2);
            JsonNode p0 = group.get("partitions").get(0);
            assertThat(p0.get("topic").asString()).isEqualTo("orders-in");
            assertThat(p0.get("committedOffset").asLong()).isEqualTo(30);
            assertThat(p0.get("logEndOffset").asLong()).isEqualTo(35);
            assertThat(p0.get("lag").asLong()).isEqualTo(5);
            assertThat(p0.get("owner").asString()).isEqualTo(m.get("memberId").asString());
            assertThat(api.get("/api/v1/groups").body().get("groups")).anySatisfy(g -> {
                assertThat(g.get("groupId").asString()).isEqualTo("orders");
                assertThat(g.get("members").asInt()).isEqualTo(1);
                assertThat(g.get("lag").asLong()).isEqualTo(5);
            });

            AdminApi.Response reset = api.post("/api/v1/groups/orders/offsets/reset", "{\"to\":\"earliest\"}");
            assertThat(reset.status()).isEqualTo(409);
            assertThat(reset.contentType()).startsWith("application/problem+json");
            assertThat(reset.detail()).contains("live members");
            assertThat(api.delete("/api/v1/groups/orders").status()).isEqualTo(409);
        }
        JsonNode afterLeave = api.get("/api/v1/groups/orders").body();
        assertThat(afterLeave.get("state").asString()).isEqualTo("EMPTY");
        assertThat(afterLeave.get("members")).isEmpty();
    }

    @Test
    void theMetricsSnapshotAndPrometheusShowTheGroupsLag() throws Exception {
        admin.createTopic("lagging", 1);
        produce("lagging", 0, 12);
        try (MiniKafkaConsumer member = consumer("lag-watcher")) {
            member.subscribe(List.of("lagging"), "laggards");
            assertThat(readAll(member, 12)).hasSize(12);
            member.commitSync(java.util.Map.of(new TopicPartition("lagging", 0), 4L));

            JsonNode group = awaitGroupInSnapshot("laggards", 8);
            assertThat(group.get("members").asInt()).isEqualTo(1);
            assertThat(group.get("partitions").get(0).get("committedOffset").asLong()).isEqualTo(4);
            String prometheus = api.get("/actuator/prometheus").raw().body();
            assertThat(prometheus).containsPattern("minikafka_group_lag\\{group=\"laggards\",partition=\"0\",topic=\"lagging\"\\} 8\\.0")
                    .containsPattern("minikafka_group_total_lag\\{group=\"laggards\"\\} 8\\.0");
        }
    }

    /** Polls the latest metrics snapshot (one a second) until the group shows {@code lag}. */
    private static JsonNode awaitGroupInSnapshot(String groupId, long lag) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            for (JsonNode group : api.get("/api/v1/metrics").body().get("groups")) {
                if (group.get("group").asString().equals(groupId)) {
                    last = group;
                    if (group.get("lag").asLong() == lag) {
                        return group;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("group " + groupId + " did not show lag " + lag + " within 20 s; last seen: " + last);
    }

    @Test
    void resetsAnEmptyGroupToEarliestLatestATimeOrAnOffsetAndTheNextMemberStartsThere() {
        admin.createTopic("replay", 1);
        produce("replay", 0, 20);
        long middle = System.currentTimeMillis();
        awaitClockTick(middle);
        produce("replay", 0, 10);
        try (MiniKafkaConsumer member = consumer("first")) {
            member.subscribe(List.of("replay"), "auditors");
            assertThat(readAll(member, 30)).hasSize(30);
        }

        JsonNode earliest = api.post("/api/v1/groups/auditors/offsets/reset", "{\"to\":\"earliest\"}").body();
        assertThat(earliest.get("offsets").get("replay-0").asLong()).isZero();
        JsonNode byTime = api.post("/api/v1/groups/auditors/offsets/reset",
                "{\"to\":\"timestamp\",\"timestamp\":" + (middle + 1) + "}").body();
        assertThat(byTime.get("offsets").get("replay-0").asLong()).isEqualTo(20);
        JsonNode byOffset = api.post("/api/v1/groups/auditors/offsets/reset",
                "{\"to\":\"offset\",\"offset\":25,\"topics\":[\"replay\"]}").body();
        assertThat(byOffset.get("offsets").get("replay-0").asLong()).isEqualTo(25);

        try (MiniKafkaConsumer member = consumer("second")) {
            member.subscribe(List.of("replay"), "auditors");
            assertThat(readAll(member, 5)).extracting(r -> r.offset()).containsExactly(25L, 26L, 27L, 28L, 29L);
            assertThat(member.committed(Set.of(new TopicPartition("replay", 0)))).containsEntry(new TopicPartition("replay", 0), 25L);
        }

        JsonNode latest = api.post("/api/v1/groups/auditors/offsets/reset", "{\"to\":\"latest\"}").body();
        assertThat(latest.get("offsets").get("replay-0").asLong()).isEqualTo(30);
        assertThat(api.get("/api/v1/groups/auditors").body().get("lag").asLong()).isZero();
    }

    @Test
    void deletesAnEmptyGroupWithItsOffsets() {
        admin.createTopic("short-lived", 1);
        produce("short-lived", 0, 3);
        try (MiniKafkaConsumer member = consumer("deleter")) {
            member.subscribe(List.of("short-lived"), "temporary");
            assertThat(readAll(member, 3)).hasSize(3);
        }

        assertThat(api.delete("/api/v1/groups/temporary").status()).isEqualTo(204);

        assertThat(api.get("/api/v1/groups/temporary").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/groups").body().get("groups")).noneSatisfy(
                g -> assertThat(g.get("groupId").asString()).isEqualTo("temporary"));
    }

    @Test
    void answersBadRequestsWithProblemDetails() {
        admin.createTopic("bad-input", 1);
        produce("bad-input", 0, 1);
        try (MiniKafkaConsumer member = consumer("bad")) {
            member.subscribe(List.of("bad-input"), "checked");
            assertThat(readAll(member, 1)).hasSize(1);
        }

        assertProblem(api.get("/api/v1/groups/nobody"), 404, "no group 'nobody'");
        assertProblem(api.delete("/api/v1/groups/nobody"), 404, "no group 'nobody'");
        assertProblem(api.post("/api/v1/groups/nobody/offsets/reset", "{\"to\":\"earliest\"}"), 404, "no group");
        assertProblem(api.post("/api/v1/groups/checked/offsets/reset", "{}"), 400, "\"to\" is required");
        assertProblem(api.post("/api/v1/groups/checked/offsets/reset", "{\"to\":\"yesterday\"}"), 400, "got 'yesterday'");
        assertProblem(api.post("/api/v1/groups/checked/offsets/reset", "{\"to\":\"timestamp\"}"), 400, "needs \"timestamp\"");
        assertProblem(api.post("/api/v1/groups/checked/offsets/reset", "{\"to\":\"offset\",\"offset\":-1}"), 400,
                "non-negative");
        assertProblem(api.post("/api/v1/groups/checked/offsets/reset", "{\"to\":\"earliest\",\"topics\":[\"absent\"]}"),
                404, "absent");
        assertProblem(api.post("/api/v1/groups/checked/offsets/reset", "{\"to\":\"earliest\",\"topics\":[]}"), 400,
                "\"topics\" is empty");
        assertProblem(api.post("/api/v1/groups/checked/offsets/reset", "{\"to\":\"earliest\",\"everything\":true}"), 400,
                "unknown field 'everything'");
    }

    private static void assertProblem(AdminApi.Response response, int status, String detail) {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.detail()).contains(detail);
    }

    private static MiniKafkaConsumer consumer(String clientId) {
        return new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).clientId(clientId)
                .autoCommitInterval(Duration.ofMillis(200)).build());
    }

    private static void produce(String topic, int partition, int count) {
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).build())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord(topic, partition, null, null, ("r" + i).getBytes(StandardCharsets.UTF_8), List.of()));
            }
            producer.flush();
        }
    }

    /** Waits until the clock has moved past {@code ms}, so records produced next have a later timestamp. */
    private static void awaitClockTick(long ms) {
        while (System.currentTimeMillis() <= ms + 1) {
            Thread.onSpinWait();
        }
    }
}
