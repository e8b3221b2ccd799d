package dev.minikafka.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.minikafka.client.ClientSecurity;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.OffsetReset;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.RecordMetadata;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.ErrorCode;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The broker with TLS, tokens, client certificates and ACLs on, driven by the real Java client and by HTTPS:
 * who gets in, who is refused with which status, and that refusals are counted and logged without secrets.
 * The output of the whole class is captured; the last test reads it.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SecurityEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;
    static SecureBroker broker;
    private static final StringBuilder OUTPUT = new StringBuilder();

    @BeforeAll
    static void start() {
        broker = new SecureBroker(dir, "OPTIONAL");
        try (MiniKafkaAdmin admin = admin(broker.tls(broker.adminToken))) {
            admin.createTopic("orders", 2);
            admin.createTopic("payments", 1);
            admin.createTopic("audit", 1);
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** Each test's output is captured on its own; keep it for the last test, which reads all of it. */
    @AfterEach
    void keepOutput(CapturedOutput output) {
        OUTPUT.append(output.getAll());
    }

    @Test
    @Order(1)
    void aTokenOverTlsProducesConsumesAndCommitsWhatItsAclsAllow() throws Exception {
        ClientSecurity orders = broker.tls(broker.ordersToken);
        produce(orders, "orders", 10);

        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(ConsumerConfig.builder(broker.bootstrap)
                .security(orders).autoOffsetReset(OffsetReset.EARLIEST).enableAutoCommit(false).build())) {
            consumer.subscribe(List.of("orders"), "orders-group");
            List<ConsumerRecord> records = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (records.size() < 10 && System.nanoTime() < deadline) {
                records.addAll(consumer.poll(Duration.ofMillis(200)));
            }
            assertThat(records).hasSize(10);
            consumer.commitSync();
        }
    }

    @Test
    @Order(2)
    void clientCertificatesAuthenticateAsTheirCommonNameFromPkcs12OrPem() throws Exception {
        TestCertificates.Issued orders = broker.certificates.issue("orders", false);
        ClientSecurity pkcs12 = ClientSecurity.builder()
                .trustStore(broker.certificates.caPkcs12()).trustStorePassword(TestCertificates.PASSWORD)
                .keyStore(orders.pkcs12()).keyStorePassword(TestCertificates.PASSWORD).build();
        produce(pkcs12, "orders", 1);

        TestCertificates.Issued stranger = broker.certificates.issue("stranger", false);
        ClientSecurity pem = ClientSecurity.builder().trustStore(broker.certificates.caPem())
                .keyStore(stranger.certificate()).privateKey(stranger.privateKey()).build();
        MiniKafkaException refused = failure(() -> produce(pem, "orders", 1));
        assertThat(refused.code()).isEqualTo(ErrorCode.NOT_AUTHORIZED);
        assertThat(refused.getMessage()).contains("'stranger'", "DESCRIBE TOPIC 'orders'");
    }

    @Test
    @Order(3)
    void everyOperationIsUnauthenticatedWithoutAToken() {
        assertEveryOperationRefused(broker.tls(null), ErrorCode.NOT_AUTHENTICATED, "no credentials");
    }

    @Test
    @Order(4)
    void everyOperationIsUnauthenticatedWithAWrongToken() {
        assertEveryOperationRefused(broker.tls("orders-token-guessed"), ErrorCode.NOT_AUTHENTICATED, "not valid");
    }

    @Test
    @Order(4)
    void anIdempotentProducerWithAWrongTokenFailsItsRecordsPromptly() throws Exception {
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(broker.bootstrap)
                .security(broker.tls("orders-token-guessed")).build())) { // default delivery.timeout: 120 s
            // A partition given: no metadata look-up, which would be refused by itself; the producer id is asked first.
            ProducerRecord record = new ProducerRecord("orders", 0, null, null, "x".getBytes(StandardCharsets.UTF_8), List.of());
            for (CompletableFuture<RecordMetadata> ack : List.of(producer.send(record), producer.send(record))) {
                assertThat(ack).failsWithin(10, TimeUnit.SECONDS).withThrowableThat().havingCause()
                        .isInstanceOfSatisfying(MiniKafkaException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_AUTHENTICATED))
                        .withMessageContaining("producer id");
            }
            assertThat(producer.send(record)).as("a send after the refusal fails at once").isCompletedExceptionally();
        }
    }

    @Test
    @Order(5)
    void aValidTokenWithoutPermissionIsDeniedNamingOperationAndResource() {
        ClientSecurity auditor = broker.tls(broker.auditorToken);
        assertThat(failure(() -> produce(auditor, "orders", 1)).getMessage()).contains("WRITE TOPIC 'orders'");
        assertThat(failure(() -> consumeAssigned(auditor)).getMessage()).contains("READ TOPIC 'orders'");
        assertThat(failure(() -> joinGroup(auditor)).getMessage()).contains("READ GROUP 'orders-group'");
        assertThat(failure(() -> commit(auditor)).getMessage()).contains("READ GROUP 'orders-group'");
        assertThat(failure(() -> createTopic(auditor)).getMessage()).contains("CREATE TOPIC 'audit-log'");
        assertThat(failure(() -> deleteTopic(auditor)).getMessage()).contains("DELETE TOPIC 'payments'");
        assertEveryOperationRefused(auditor, ErrorCode.NOT_AUTHORIZED, "'auditor' may not");
        try (MiniKafkaAdmin admin = admin(auditor)) {
            assertThat(admin.describeTopic("payments").partitions()).as("DESCRIBE is granted").hasSize(1);
        }
        assertThat(failure(() -> produce(broker.tls(broker.ordersToken), "payments", 1)).getMessage())
                .as("a prefix rule for 'orders' does not cover other topics").contains("'orders' may not DESCRIBE TOPIC 'payments'");
    }

    @Test
    @Order(6)
    void aDeniedTopicFailsOnlyItsOwnRecordsOnASharedProduceStream() throws Exception {
        List<CompletableFuture<RecordMetadata>> allowed = new ArrayList<>();
        List<CompletableFuture<RecordMetadata>> denied = new ArrayList<>();
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(broker.bootstrap)
                .security(broker.tls(broker.auditorToken)).maxBlock(WAIT).deliveryTimeout(WAIT).build())) {
            for (int i = 0; i < 200; i++) {
                allowed.add(producer.send(new ProducerRecord("audit", ("audit-" + i).getBytes(StandardCharsets.UTF_8))));
                if (i % 40 == 0) {
                    denied.add(producer.send(new ProducerRecord("orders", ("orders-" + i).getBytes(StandardCharsets.UTF_8))));
                }
            }
            producer.flush();
        }
        for (CompletableFuture<RecordMetadata> ack : allowed) {
            assertThat(ack.get(WAIT.toSeconds(), TimeUnit.SECONDS).topic()).isEqualTo("audit");
        }
        for (CompletableFuture<RecordMetadata> ack : denied) {
            MiniKafkaException refused = failure(() -> ack.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertThat(refused.code()).isEqualTo(ErrorCode.NOT_AUTHORIZED);
            assertThat(refused.getMessage()).contains("WRITE TOPIC 'orders'");
        }
    }

    @Test
    @Order(7)
    void theRestApiAnswers401And403AsProblemDetails() throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(broker.sslContext()).connectTimeout(Duration.ofSeconds(5)).build();

        assertThat(send(https, "GET", "/actuator/health/liveness", null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> anonymous = send(https, "GET", "/api/v1/topics", null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(detail(anonymous)).contains("no credentials");
        HttpResponse<String> wrong = send(https, "GET", "/api/v1/topics", "not-a-token", null);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(detail(wrong)).contains("not valid");

        assertThat(send(https, "GET", "/api/v1/topics", broker.ordersToken, null).statusCode()).isEqualTo(200);
        HttpResponse<java.util.stream.Stream<String>> metrics = https.send(HttpRequest.newBuilder(
                URI.create(broker.httpsBase() + "/api/v1/metrics/stream")).header("Authorization", "Bearer " + broker.ordersToken)
                .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(metrics.statusCode()).isEqualTo(200);
        try (java.util.stream.Stream<String> lines = metrics.body()) {
            assertThat(lines.filter(line -> line.startsWith("data:")).findFirst()).as("the SSE stream flows").isPresent();
        }
        HttpResponse<String> create = send(https, "POST", "/api/v1/topics", broker.ordersToken, "{\"name\":\"rest-topic\",\"partitions\":1}");
        assertThat(create.statusCode()).isEqualTo(403);
        assertThat(detail(create)).contains("'orders' is not an admin", "POST /api/v1/topics");
        assertThat(send(https, "DELETE", "/api/v1/quotas/producer/anyone", broker.ordersToken, null).statusCode()).isEqualTo(403);
        assertThat(send(https, "DELETE", "/api/v1/groups/orders-group", broker.auditorToken, null).statusCode()).isEqualTo(403);
        HttpResponse<String> produce = send(https, "POST", "/api/v1/topics/payments/records", broker.ordersToken,
                "{\"records\":[{\"value\":\"x\"}]}");
        assertThat(produce.statusCode()).isEqualTo(403);
        assertThat(detail(produce)).contains("may not WRITE TOPIC 'payments'");
        HttpResponse<String> browse = send(https, "GET", "/api/v1/topics/payments/partitions/0/records", broker.ordersToken, null);
        assertThat(browse.statusCode()).isEqualTo(403);
        assertThat(detail(browse)).contains("may not READ TOPIC 'payments'");

        assertThat(send(https, "POST", "/api/v1/topics", broker.adminToken, "{\"name\":\"rest-topic\",\"partitions\":1}")
                .statusCode()).isEqualTo(201);
        assertThat(send(https, "GET", "/api/v1/topics/orders/partitions/0/records", broker.ordersToken, null).statusCode())
                .isEqualTo(200);
    }

    @Test
    @Order(8)
    void refusalsAreCountedByOperation() {
        MeterRegistry registry = broker.context.getBean(MeterRegistry.class);
        assertThat(count(registry, "unauthenticated", "grpc")).isPositive();
        assertThat(count(registry, "unauthenticated", "http")).isPositive();
        assertThat(registry.get("minikafka.security.denied").tags("reason", "denied", "transport", "grpc",
                "operation", "WRITE", "resource_type", "TOPIC").counter().count()).isPositive();
        assertThat(registry.get("minikafka.security.denied").tags("reason", "denied", "transport", "http",
                "operation", "ADMIN").counter().count()).isPositive();
    }

    @Test
    @Order(9)
    void noTokenOrKeyReachesTheLog(CapturedOutput output) {
        TestCertificates.Issued broker1 = new TestCertificates.Issued(dir.resolve("broker.pem"), dir.resolve("broker-key.pem"), null);
        String log = OUTPUT + output.getAll();
        assertThat(log).as("refusals are logged").contains("Denied grpc WRITE on TOPIC 'orders' to principal 'auditor'")
                .contains("Unauthenticated grpc");
        assertThat(log).doesNotContain(broker.adminToken, broker.ordersToken, broker.auditorToken, "orders-token-guessed",
                "not-a-token", TokenAuthenticator.hash(broker.ordersToken), "PRIVATE KEY");
        for (String line : broker1.privateKeyText().lines().filter(l -> !l.startsWith("-----")).toList()) {
            assertThat(log).doesNotContain(line);
        }
    }

    private static double count(MeterRegistry registry, String reason, String transport) {
        return registry.get("minikafka.security.denied").tags("reason", reason, "transport", transport).counters()
                .stream().mapToDouble(c -> c.count()).sum();
    }

    /** Produce, consume, group session, commit and admin are each refused with {@code code}. */
    private static void assertEveryOperationRefused(ClientSecurity security, ErrorCode code, String message) {
        List<ThrowingCallable> operations = List.of(
                () -> produce(security, "orders", 1),
                () -> consumeAssigned(security),
                () -> joinGroup(security),
                () -> commit(security),
                () -> createTopic(security),
                () -> deleteTopic(security));
        for (ThrowingCallable operation : operations) {
            MiniKafkaException refused = failure(operation);
            assertThat(refused.code()).isEqualTo(code);
            assertThat(refused.isRetriable()).isFalse();
            assertThat(refused.getMessage()).contains(message);
        }
    }

    private static void produce(ClientSecurity security, String topic, int count) throws Exception {
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(broker.bootstrap).security(security)
                .maxBlock(WAIT).deliveryTimeout(WAIT).build())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord(topic, ("record-" + i).getBytes(StandardCharsets.UTF_8)))
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    private static void consumeAssigned(ClientSecurity security) {
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(ConsumerConfig.builder(broker.bootstrap).security(security).build())) {
            consumer.assign(List.of(new TopicPartition("orders", 0)));
            pollUntilFailure(consumer);
        }
    }

    private static void joinGroup(ClientSecurity security) {
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(ConsumerConfig.builder(broker.bootstrap).security(security).build())) {
            consumer.subscribe(List.of("orders"), "orders-group");
            pollUntilFailure(consumer);
        }
    }

    private static void commit(ClientSecurity security) {
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(ConsumerConfig.builder(broker.bootstrap).security(security)
                .groupId("orders-group").build())) {
            consumer.commitSync(Map.of(new TopicPartition("orders", 0), 0L));
        }
    }

    private static void createTopic(ClientSecurity security) {
        try (MiniKafkaAdmin admin = admin(security)) {
            admin.createTopic("audit-log", 1);
        }
    }

    private static void deleteTopic(ClientSecurity security) {
        try (MiniKafkaAdmin admin = admin(security)) {
            admin.deleteTopic("payments");
        }
    }

    private static void pollUntilFailure(MiniKafkaConsumer consumer) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200));
        }
        throw new AssertionError("the consumer was not refused within " + WAIT);
    }

    private static MiniKafkaAdmin admin(ClientSecurity security) {
        return new MiniKafkaAdmin(broker.bootstrap, Duration.ofSeconds(10), security);
    }

    /** The client's exception, unwrapped from the future or executor that carried it. */
    private static MiniKafkaException failure(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        while (thrown instanceof CompletionException || thrown instanceof ExecutionException) {
            thrown = thrown.getCause();
        }
        assertThat(thrown).isInstanceOf(MiniKafkaException.class);
        return (MiniKafkaException) thrown;
    }

    private static HttpResponse<String> send(HttpClient https, String method, String path, String token, String json)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(broker.httpsBase() + path)).timeout(WAIT)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String detail(HttpResponse<String> response) {
        JsonNode body = JSON.readTree(response.body());
        return body.get("detail").asString();
    }
}
