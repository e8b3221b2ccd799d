package dev.minikafka.broker.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.minikafka.broker.support.BrokerOverLoopback;
import dev.minikafka.client.TopicInfo;
import tools.jackson.databind.JsonNode;

/** The topics endpoints, their errors as problem details, and the OpenAPI document, over real HTTP. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RestTopicsTest extends BrokerOverLoopback {

    private static AdminApi api;

    @BeforeAll
    static void connect() {
        api = new AdminApi(broker);
    }

    @Test
    void shouldCreateListDescribeAndDeleteATopic() {
        AdminApi.Response created = api.post("/api/v1/topics", """
                {"name":"payments","partitions":3,"config":{"retentionMs":3600000,"segmentBytes":1048576,"logAppendTime":true}}""");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).endsWith("/api/v1/topics/payments");
        JsonNode body = created.body();
        assertThat(body.get("name").asString()).isEqualTo("payments");
        assertThat(Instant.parse(body.get("createdAt").asString())).isBefore(Instant.now().plusSeconds(1));
        assertThat(body.get("config").get("retentionMs").asLong()).isEqualTo(3_600_000);
        assertThat(body.get("config").get("segmentBytes").asLong()).isEqualTo(1_048_576);
        assertThat(body.get("config").get("logAppendTime").asBoolean()).isTrue();
        assertThat(body.get("config").get("maxMessageBytes").asInt()).as("unset fields take the broker default")
                .isEqualTo(1024 * 1024 + 64);
        assertThat(body.get("partitions")).hasSize(3);

        TopicInfo overGrpc = admin.describeTopic("payments");
        assertThat(overGrpc.partitionCount()).isEqualTo(3);
        assertThat(overGrpc.retentionMs()).isEqualTo(3_600_000);

        assertThat(topicNames()).contains("payments");
        assertThat(api.get("/api/v1/topics").body().get("topics")).anySatisfy(t -> {
            assertThat(t.get("name").asString()).isEqualTo("payments");
            assertThat(t.get("partitions").asInt()).isEqualTo(3);
        });

        JsonNode partition = api.get("/api/v1/topics/payments").body().get("partitions").get(2);
        assertThat(partition.get("partition").asInt()).isEqualTo(2);
        assertThat(partition.get("logStartOffset").asLong()).isZero();
        assertThat(partition.get("logEndOffset").asLong()).isZero();
        assertThat(partition.get("sizeBytes").asLong()).isZero();
        assertThat(partition.get("segmentCount").asInt()).isEqualTo(1);
        assertThat(partition.get("queueDepth").asLong()).isZero();
        assertThat(partition.get("pendingAppendBytes").asLong()).isZero();

        AdminApi.Response deleted = api.delete("/api/v1/topics/payments");
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.raw().body()).isEmpty();
        assertThat(api.get("/api/v1/topics/payments").status()).isEqualTo(404);
        assertThat(topicNames()).doesNotContain("payments");
        assertThat(admin.listTopicNames()).doesNotContain("payments");
    }

    @Test
    void describeShowsOffsetsSizesAndQueueDepthOfWhatWasProduced() {
        api.post("/api/v1/topics", Map.of("name", "described", "partitions", 1));
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            records.add(Map.of("value", "v" + i));
        }
        assertThat(api.post("/api/v1/topics/described/records", Map.of("records", records)).status()).isEqualTo(200);

        JsonNode partition = api.get("/api/v1/topics/described").body().get("partitions").get(0);

        assertThat(partition.get("logStartOffset").asLong()).isZero();
        assertThat(partition.get("logEndOffset").asLong()).isEqualTo(5);
        assertThat(partition.get("sizeBytes").asLong()).isGreaterThan(5 * 2);
        assertThat(partition.get("queueDepth").asLong()).as("no group has committed: everything retained waits")
                .isEqualTo(5);
        assertThat(partition.get("pendingAppendBytes").asLong()).isZero();
    }

    @Test
    void aTopicCreatedWithoutPartitionsOrConfigTakesTheBrokerDefaults() {
        AdminApi.Response created = api.post("/api/v1/topics", "{\"name\":\"defaults\"}");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().get("partitions")).hasSize(1);
        assertThat(created.body().get("config").get("retentionMs").asLong()).isEqualTo(7L * 24 * 3600 * 1000);
        assertThat(created.body().get("config").get("logAppendTime").asBoolean()).isFalse();
    }

    @Test
    void creatingATopicTwiceIsAConflict() {
        assertThat(api.post("/api/v1/topics", Map.of("name", "twice", "partitions", 2)).status()).isEqualTo(201);

        AdminApi.Response again = api.post("/api/v1/topics", Map.of("name", "twice", "partitions", 2));

        assertProblem(again, 409, "topic 'twice' already exists");
    }

    @Test
    void invalidTopicsAreBadRequestsThatSayWhy() {
        assertProblem(api.post("/api/v1/topics", Map.of("name", "no spaces!", "partitions", 1)), 400,
                "may contain only ASCII letters, digits");
        assertProblem(api.post("/api/v1/topics", Map.of("partitions", 1)), 400, "topic name is empty");
        assertProblem(api.post("/api/v1/topics", Map.of("name", "zero", "partitions", 0)), 400,
                "partitions must be between 1 and 1024, got 0");
        assertProblem(api.post("/api/v1/topics", "{\"name\":\"tiny\",\"config\":{\"segmentBytes\":10}}"), 400,
                "segment.bytes must be between");
        assertProblem(api.post("/api/v1/topics", "{\"name\":\"typo\",\"config\":{\"retentionMS\":10}}"), 400,
                "unknown field 'retentionMS'; known fields: [");
        assertProblem(api.post("/api/v1/topics", "{\"name\":\"words\",\"partitions\":\"three\"}"), 400,
                "(at partitions)");
        assertProblem(api.post("/api/v1/topics", "{\"name\":\"broken\","), 400, "(at line 1, column 18)");
        assertProblem(api.post("/api/v1/topics", ""), 400, "the body is missing");
        assertThat(topicNames()).doesNotContain("zero", "tiny", "typo", "words", "broken");
    }

    @Test
    void unknownTopicsAreNotFound() {
        assertProblem(api.get("/api/v1/topics/nope"), 404, "topic 'nope' does not exist");
        assertProblem(api.delete("/api/v1/topics/nope"), 404, "topic 'nope' does not exist");
        assertProblem(api.post("/api/v1/topics/nope/records", "{\"records\":[{\"value\":\"x\"}]}"), 404,
                "topic 'nope' does not exist; create it first (auto-create is off)");
        assertThat(topicNames()).doesNotContain("nope");
    }

    @Test
    void requestsSpringRejectsAreProblemDetailsToo() {
        AdminApi.Response wrongType = api.get("/api/v1/topics/some/partitions/first/records");
        assertProblem(wrongType, 400, "'partition' must be an int, got 'first'");

        AdminApi.Response wrongMethod = api.delete("/api/v1/topics");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.contentType()).startsWith("application/problem+json");
    }

    @Test
    void theOpenApiDocumentListsEveryPath() {
        AdminApi.Response docs = api.get("/v3/api-docs");

        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body().get("info").get("title").asString()).isEqualTo("MiniKafka admin API");
        JsonNode paths = docs.body().get("paths");
        assertThat(paths.propertyNames()).containsExactlyInAnyOrder(
                "/api/v1/topics",
                "/api/v1/topics/{topic}",
                "/api/v1/topics/{topic}/records",
                "/api/v1/topics/{topic}/partitions/{partition}/records",
                "/api/v1/groups",
                "/api/v1/groups/{group}",
                "/api/v1/groups/{group}/offsets/reset",
                "/api/v1/quotas",
                "/api/v1/quotas/{kind}/{name}",
                "/api/v1/metrics",
                "/api/v1/metrics/stream");
        assertThat(paths.get("/api/v1/topics").get("post").get("summary").asString()).isEqualTo("Create a topic");
        assertThat(paths.get("/api/v1/topics/{topic}/records").get("post").get("responses").propertyNames())
                .contains("200", "400", "404", "413", "429");

        AdminApi.Response ui = api.get("/swagger-ui/index.html");
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.raw().body()).contains("Swagger UI");
    }

    private static List<String> topicNames() {
        List<String> names = new ArrayList<>();
        api.get("/api/v1/topics").body().get("topics").forEach(t -> names.add(t.get("name").asString()));
        return names;
    }

    static void assertProblem(AdminApi.Response response, int status, String detailContains) {
        assertThat(response.status()).as(response.raw().body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().get("status").asInt()).isEqualTo(status);
        assertThat(response.detail()).contains(detailContains);
    }
}
