package dev.minikafka.broker.rest;

import static dev.minikafka.broker.rest.RestTopicsTest.assertProblem;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.broker.log.PartitionWriter;
import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.broker.topic.Topic;
import dev.minikafka.broker.topic.TopicRegistry;
import dev.minikafka.client.Acks;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.Murmur2Partitioner;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.RecordMetadata;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.protocol.Header;
import tools.jackson.databind.JsonNode;

/**
 * Produce and browse over real HTTP against a broker with auto-create on, and the Java gRPC client reading
 * what HTTP wrote and the other way round.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RestRecordsTest {

    @TempDir
    static Path dataDir;

    private static ConfigurableApplicationContext broker;
    private static String bootstrap;
    private static AdminApi api;

    @BeforeAll
    static void startBroker() {
        broker = BrokerRunner.start(dataDir, "--minikafka.broker.auto-create-topics=true",
                "--minikafka.broker.default-partitions=2");
        bootstrap = "127.0.0.1:" + BrokerRunner.grpcPort(broker);
        api = new AdminApi(broker);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void producedRecordsAreAnsweredInRequestOrderOnTheClientsPartitions() {
        createTopic("orders", 3, "{}");

        AdminApi.Response produced = api.post("/api/v1/topics/orders/records", """
                {"records":[
                  {"value":"explicit","partition":2},
                  {"key":"c-17","value":"keyed"},
                  {"value":"a"},{"value":"b"},{"value":"c"},
                  {"key":"c-17","value":"keyed again"}
                ]}""");

        assertThat(produced.status()).as(produced.raw().body()).isEqualTo(200);
        assertThat(produced.body().get("topic").asString()).isEqualTo("orders");
        JsonNode results = produced.body().get("results");
        assertThat(results).hasSize(6);
        int keyed = Murmur2Partitioner.partition("c-17", 3);
        assertThat(results.get(0).get("partition").asInt()).isEqualTo(2);
        assertThat(results.get(1).get("partition").asInt()).isEqualTo(keyed);
        assertThat(results.get(5).get("partition").asInt()).isEqualTo(keyed);
        assertThat(List.of(partitionOf(results, 2), partitionOf(results, 3), partitionOf(results, 4)))
                .as("keyless records go round-robin").containsExactlyInAnyOrder(0, 1, 2);
        Map<Integer, Long> next = new HashMap<>();
        for (JsonNode result : results) {
            long expected = next.merge(result.get("partition").asInt(), 1L, Long::sum) - 1;
            assertThat(result.get("offset").asLong()).as("dense offsets per partition, in request order").isEqualTo(expected);
            assertThat(result.get("timestamp").asLong()).isPositive();
        }
        JsonNode keyedRecords = browse("orders", keyed, "").body().get("records");
        assertThat(keyedRecords).extracting(r -> r.get("value").asString()).contains("keyed", "keyed again");
    }

    @Test
    void aRecordProducedOverHttpIsReadByTheJavaConsumer() {
        createTopic("http-to-grpc", 1, "{}");

        JsonNode result = api.post("/api/v1/topics/http-to-grpc/records", """
                {"records":[{"key":"c-17","value":"{\\"amount\\":10}","headers":{"trace":"t-1","source":"curl"}}],
                 "acks":"DURABLE"}""").body().get("results").get(0);

        TopicPartition partition = new TopicPartition("http-to-grpc", 0);
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).build())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, result.get("offset").asLong());
            ConsumerRecord record = poll(consumer).getFirst();
            assertThat(record.keyAsString()).isEqualTo("c-17");
            assertThat(record.valueAsString()).isEqualTo("{\"amount\":10}");
            assertThat(record.timestamp()).isEqualTo(result.get("timestamp").asLong());
            assertThat(record.headers()).extracting(Header::key, Header::valueAsString)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("trace", "t-1"),
                            org.assertj.core.groups.Tuple.tuple("source", "curl"));
        }
    }

    @Test
    void aRecordProducedByTheJavaProducerIsBrowsableOverHttp() {
        createTopic("grpc-to-http", 1, "{}");
        RecordMetadata sent;
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).acks(Acks.LEADER).build())) {
            sent = producer.send(new ProducerRecord("grpc-to-http", 0, 1_700_000_000_000L, "alice".getBytes(UTF_8),
                    "paid 10".getBytes(UTF_8), List.of(Header.of("kind", "payment")))).join();
        }

        JsonNode page = browse("grpc-to-http", 0, "").body();

        assertThat(page.get("logStartOffset").asLong()).isZero();
        assertThat(page.get("logEndOffset").asLong()).isEqualTo(1);
        assertThat(page.get("nextOffset").asLong()).isEqualTo(1);
        JsonNode record = page.get("records").get(0);
        assertThat(record.get("offset").asLong()).isEqualTo(sent.offset());
        assertThat(record.get("timestamp").asLong()).isEqualTo(1_700_000_000_000L);
        assertThat(record.get("key").asString()).isEqualTo("alice");
        assertThat(record.get("keyEncoding").asString()).isEqualTo("utf8");
        assertThat(record.get("value").asString()).isEqualTo("paid 10");
        assertThat(record.get("valueEncoding").asString()).isEqualTo("utf8");
        assertThat(record.get("headers").get("kind").asString()).isEqualTo("payment");
    }

    @Test
    void binaryKeysAndValuesTravelAsBase64BothWays() {
        createTopic("binary", 1, "{}");
        byte[] key = {0, 1, (byte) 0xff};
        byte[] value = {(byte) 0xc3, 0x28, 0, (byte) 0x80, (byte) 0xfe};
        String key64 = Base64.getEncoder().encodeToString(key);
        String value64 = Base64.getEncoder().encodeToString(value);

        AdminApi.Response produced = api.post("/api/v1/topics/binary/records",
                Map.of("records", List.of(Map.of("keyBase64", key64, "valueBase64", value64), Map.of("value", "text"))));
        assertThat(produced.status()).as(produced.raw().body()).isEqualTo(200);

        JsonNode records = browse("binary", 0, "").body().get("records");
        assertThat(records.get(0).get("key").asString()).isEqualTo(key64);
        assertThat(records.get(0).get("keyEncoding").asString()).isEqualTo("base64");
        assertThat(records.get(0).get("value").asString()).isEqualTo(value64);
        assertThat(records.get(0).get("valueEncoding").asString()).isEqualTo("base64");
        assertThat(records.get(1).get("key").isNull()).as("a null key stays null").isTrue();
        assertThat(records.get(1).get("keyEncoding").isNull()).isTrue();
        assertThat(records.get(1).get("value").asString()).isEqualTo("text");

        TopicPartition partition = new TopicPartition("binary", 0);
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).build())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, 0);
            ConsumerRecord record = poll(consumer).getFirst();
            assertThat(record.key()).isEqualTo(key);
            assertThat(record.value()).isEqualTo(value);
        }
    }

    @Test
    void browsingPagesFromAnOffsetAcrossBatchesWithLimitAndNextOffset() {
        createTopic("paged", 1, "{}");
        for (int request = 0; request < 5; request++) {
            List<Map<String, Object>> records = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                records.add(Map.of("value", "r" + (request * 5 + i)));
            }
            assertThat(api.post("/api/v1/topics/paged/records", Map.of("records", records)).status()).isEqualTo(200);
        }

        JsonNode page = browse("paged", 0, "?offset=3&limit=10").body();
        assertThat(page.get("records")).extracting(r -> r.get("offset").asLong())
                .containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
        assertThat(page.get("records").get(0).get("value").asString()).isEqualTo("r3");
        assertThat(page.get("nextOffset").asLong()).isEqualTo(13);
        assertThat(page.get("logEndOffset").asLong()).isEqualTo(25);

        JsonNode fromStart = browse("paged", 0, "").body();
        assertThat(fromStart.get("records")).hasSize(25);
        assertThat(fromStart.get("records").get(0).get("offset").asLong()).isZero();
        assertThat(fromStart.get("nextOffset").asLong()).isEqualTo(25);

        JsonNode atEnd = browse("paged", 0, "?offset=25").body();
        assertThat(atEnd.get("records")).isEmpty();
        assertThat(atEnd.get("nextOffset").asLong()).isEqualTo(25);
    }

    @Test
    void browsingByTimestampStartsAtTheFirstRecordAtOrAfterIt() {
        createTopic("timed", 1, "{}");
        api.post("/api/v1/topics/timed/records", """
                {"records":[{"value":"t1","timestamp":1000},{"value":"t2","timestamp":2000}]}""");
        api.post("/api/v1/topics/timed/records", """
                {"records":[{"value":"t3","timestamp":3000},{"value":"t4","timestamp":4000}]}""");

        JsonNode page = browse("timed", 0, "?timestamp=2500&limit=1").body();
        assertThat(page.get("records")).extracting(r -> r.get("value").asString()).containsExactly("t3");
        assertThat(page.get("records").get(0).get("timestamp").asLong()).isEqualTo(3000);
        assertThat(page.get("nextOffset").asLong()).isEqualTo(3);

        assertThat(browse("timed", 0, "?timestamp=2000").body().get("records"))
                .extracting(r -> r.get("offset").asLong()).containsExactly(1L, 2L, 3L);
        JsonNode later = browse("timed", 0, "?timestamp=5000").body();
        assertThat(later.get("records")).isEmpty();
        assertThat(later.get("nextOffset").asLong()).isEqualTo(4);
    }

    @Test
    void ackModesDurableAndNone() {
        createTopic("acks", 1, "{}");

        JsonNode durable = api.post("/api/v1/topics/acks/records",
                "{\"records\":[{\"value\":\"d\"}],\"acks\":\"DURABLE\"}").body().get("results").get(0);
        assertThat(durable.get("offset").asLong()).isZero();

        AdminApi.Response none = api.post("/api/v1/topics/acks/records", "{\"records\":[{\"value\":\"n\"}],\"acks\":\"NONE\"}");
        assertThat(none.status()).isEqualTo(200);
        JsonNode result = none.body().get("results").get(0);
        assertThat(result.get("partition").asInt()).isZero();
        assertThat(result.has("offset")).as("acks=NONE does not wait for an offset").isFalse();
        awaitLogEnd("acks", 0, 2);
        assertThat(browse("acks", 0, "?offset=1").body().get("records").get(0).get("value").asString()).isEqualTo("n");
    }

    @Test
    void aTopicWithLogAppendTimeAnswersWithTheBrokersTime() {
        createTopic("appended", 1, "{\"logAppendTime\":true}");
        long before = System.currentTimeMillis();

        JsonNode result = api.post("/api/v1/topics/appended/records", "{\"records\":[{\"value\":\"v\",\"timestamp\":1000}]}")
                .body().get("results").get(0);

        assertThat(result.get("timestamp").asLong()).isBetween(before - 1000, System.currentTimeMillis() + 1000);
        assertThat(browse("appended", 0, "").body().get("records").get(0).get("timestamp").asLong())
                .isEqualTo(result.get("timestamp").asLong());
    }

    @Test
    void producingToAnUnknownTopicCreatesItWhenTheBrokerAutoCreates() {
        AdminApi.Response produced = api.post("/api/v1/topics/made-on-demand/records", "{\"records\":[{\"value\":\"v\"}]}");

        assertThat(produced.status()).as(produced.raw().body()).isEqualTo(200);
        AdminApi.Response described = api.get("/api/v1/topics/made-on-demand");
        assertThat(described.status()).isEqualTo(200);
        assertThat(described.body().get("partitions")).as("the broker's default-partitions").hasSize(2);
        assertProblem(api.post("/api/v1/topics/bad%20name/records", "{\"records\":[{\"value\":\"v\"}]}"), 400,
                "may contain only ASCII letters");
    }

    @Test
    void invalidRecordsAreBadRequestsThatNameTheField() {
        createTopic("strict", 2, "{}");
        String path = "/api/v1/topics/strict/records";

        assertProblem(api.post(path, "{\"records\":[{\"value\":\"a\"},{\"value\":\"b\",\"valueBase64\":\"Yg==\"}]}"), 400,
                "records[1].value and records[1].valueBase64 are both set");
        assertProblem(api.post(path, "{\"records\":[{\"key\":\"k\",\"keyBase64\":\"aw==\",\"value\":\"v\"}]}"), 400,
                "records[0].key and records[0].keyBase64 are both set");
        assertProblem(api.post(path, "{\"records\":[{\"key\":\"k\"}]}"), 400, "records[0] has no value");
        assertProblem(api.post(path, "{\"records\":[{\"valueBase64\":\"%%%\"}]}"), 400, "records[0].valueBase64 is not valid base64");
        assertProblem(api.post(path, "{\"records\":[{\"value\":\"v\",\"partition\":2}]}"), 400,
                "records[0].partition: partition 2 does not exist; topic 'strict' has partitions 0..1");
        assertProblem(api.post(path, "{\"records\":[{\"value\":\"v\",\"timestamp\":-5}]}"), 400, "records[0].timestamp");
        assertProblem(api.post(path, "{\"records\":[]}"), 400, "records is empty");
        assertProblem(api.post(path, "{\"records\":[{\"value\":\"v\"}],\"acks\":\"ALL\"}"), 400, "ALL");
        AdminApi.Response unknownField = api.post(path, "{\"records\":[{\"value\":\"v\",\"colour\":\"red\"}]}");
        assertProblem(unknownField, 400, "unknown field 'colour'; known fields: [");
        assertThat(unknownField.detail()).endsWith("(at records[0].colour)").doesNotContain("dev.minikafka");
        assertProblem(api.post(path, "{\"records\":[{\"value\":\"v\"}"), 400, "not valid JSON");

        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i <= RecordProducer.MAX_RECORDS; i++) {
            tooMany.add(Map.of("value", "v"));
        }
        assertProblem(api.post(path, Map.of("records", tooMany)), 400, "at most 10000 records");

        JsonNode partitions = api.get("/api/v1/topics/strict").body().get("partitions");
        assertThat(partitions).allSatisfy(p -> assertThat(p.get("logEndOffset").asLong())
                .as("a refused request writes nothing").isZero());
    }

    @Test
    void tooLargeRecordsAndBodiesAreRefusedWith413() {
        createTopic("small", 1, "{\"maxMessageBytes\":1024}");

        assertProblem(api.post("/api/v1/topics/small/records", Map.of("records", List.of(Map.of("value", "x".repeat(2000))))),
                413, "more than topic 'small' takes (max.message.bytes 1024)");

        String huge = "{\"records\":[{\"value\":\"" + "x".repeat((int) BodySizeLimit.MAX_BODY_BYTES) + "\"}]}";
        assertProblem(api.post("/api/v1/topics/small/records", huge), 413, "more than the 16777216 bytes the admin API takes");
        assertProblem(api.postChunked("/api/v1/topics/small/records", huge), 413, "more than the 16777216 bytes");
        assertThat(api.get("/api/v1/topics/small").body().get("partitions").get(0).get("logEndOffset").asLong()).isZero();
    }

    @Test
    void browsingErrorsSayWhatIsValid() {
        createTopic("browsed", 2, "{}");
        api.post("/api/v1/topics/browsed/records", "{\"records\":[{\"value\":\"a\",\"partition\":0},{\"value\":\"b\",\"partition\":0}]}");

        assertProblem(browse("browsed", 0, "?offset=3"), 400, "valid offsets are 0..2");
        assertProblem(browse("browsed", 0, "?offset=-1"), 400, "valid offsets are 0..2");
        assertProblem(browse("browsed", 0, "?limit=0"), 400, "limit must be between 1 and 1000, got 0");
        assertProblem(browse("browsed", 0, "?limit=1001"), 400, "limit must be between 1 and 1000, got 1001");
        assertProblem(browse("browsed", 0, "?offset=0&timestamp=0"), 400, "give offset or timestamp, not both");
        assertProblem(browse("browsed", 0, "?timestamp=-3"), 400, "timestamp must be epoch milliseconds");
        assertProblem(browse("browsed", 0, "?offset=first"), 400, "'offset' must be a Long, got 'first'");
        assertProblem(browse("browsed", 2, ""), 404, "partition 2 does not exist; topic 'browsed' has partitions 0..1");
        assertProblem(browse("no-such-topic", 0, ""), 404, "topic 'no-such-topic' does not exist");
    }

    @Test
    void aFullAppendQueueIsAnsweredWith429AndRetryAfterInsteadOfWaiting() throws Exception {
        createTopic("pressure", 1, "{\"maxMessageBytes\":16777216}");
        Topic topic = broker.getBean(TopicRegistry.class).get("pressure");
        PartitionWriter writer = topic.writer(0);
        CountDownLatch writerHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // Hold the partition's writer thread right after its first append, so what comes next stays queued.
        writer.setAppendListener(() -> {
            writerHeld.countDown();
            await(release);
        });
        try {
            assertThat(api.post("/api/v1/topics/pressure/records", "{\"records\":[{\"value\":\"first\"}],\"acks\":\"NONE\"}")
                    .status()).isEqualTo(200);
            assertThat(writerHeld.await(10, TimeUnit.SECONDS)).isTrue();
            String big = "x".repeat(9 * 1024 * 1024); // past the 8 MB pending-append bound
            assertThat(api.post("/api/v1/topics/pressure/records", Map.of("records", List.of(Map.of("value", big)), "acks", "NONE"))
                    .status()).isEqualTo(200);
            assertThat(writer.hasRoom()).isFalse();

            AdminApi.Response refused = api.post("/api/v1/topics/pressure/records", "{\"records\":[{\"value\":\"third\"}]}");

            assertProblem(refused, 429, "partition 0 has a full append queue");
            assertThat(refused.header("Retry-After")).isEqualTo("1");
        } finally {
            writer.setAppendListener(topic.waiters(0)::signal);
            release.countDown();
        }
        awaitLogEnd("pressure", 0, 2);
        assertThat(api.post("/api/v1/topics/pressure/records", "{\"records\":[{\"value\":\"after\"}]}").body()
                .get("results").get(0).get("offset").asLong()).as("the refused request wrote nothing").isEqualTo(2);
    }

    private static void createTopic(String name, int partitions, String config) {
        AdminApi.Response created = api.post("/api/v1/topics",
                "{\"name\":\"" + name + "\",\"partitions\":" + partitions + ",\"config\":" + config + "}");
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
    }

    private static AdminApi.Response browse(String topic, int partition, String query) {
        return api.get("/api/v1/topics/" + topic + "/partitions/" + partition + "/records" + query);
    }

    private static int partitionOf(JsonNode results, int index) {
        return results.get(index).get("partition").asInt();
    }

    private static List<ConsumerRecord> poll(MiniKafkaConsumer consumer) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            List<ConsumerRecord> records = consumer.poll(Duration.ofMillis(500));
            if (!records.isEmpty()) {
                return records;
            }
        }
        throw new AssertionError("no record came within 20 s");
    }

    private static void awaitLogEnd(String topic, int partition, long end) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            long logEnd = api.get("/api/v1/topics/" + topic).body().get("partitions").get(partition).get("logEndOffset").asLong();
            if (logEnd >= end) {
                assertThat(logEnd).isEqualTo(end);
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("log end of " + topic + "-" + partition + " did not reach " + end);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
