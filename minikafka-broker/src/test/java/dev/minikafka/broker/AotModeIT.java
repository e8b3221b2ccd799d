package dev.minikafka.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.minikafka.broker.security.TokenAuthenticator;
import dev.minikafka.broker.support.BrokerJar;
import dev.minikafka.broker.support.ChildBroker;
import dev.minikafka.broker.support.PostgresTestDatabase;
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
import dev.minikafka.client.TopicPartition;

/**
 * The broker as {@code ./start.sh} runs it: the built jar in Spring AOT mode ({@code -Dspring.aot.enabled=true}),
 * where the set of beans was fixed when the jar was built. What must follow the configuration at run time
 * still does: records and committed offsets on the embedded defaults, authentication switched on by
 * {@code minikafka.broker.security.enabled}, and the metadata in PostgreSQL when the datasource points there.
 * (Every other test runs the broker the ordinary way, from the class path.)
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AotModeIT {

    private static final String TOPIC = "aot";
    private static final int PARTITIONS = 2;
    private static final int RECORDS = 40;

    private static BrokerJar jar;

    @TempDir
    Path dir;

    @BeforeAll
    static void prepareJar() throws IOException, InterruptedException {
        jar = BrokerJar.fromBuild("aot-broker");
    }

    @Test
    void producesConsumesAndCommitsOnTheEmbeddedDefaults() throws Exception {
        try (ChildBroker broker = start()) {
            assertThat(broker.output()).as("the generated bean definitions are in use").contains("Starting AOT-processed BrokerApplication");
            Map<TopicPartition, Long> committed = roundTrip(broker.bootstrap(), ClientSecurity.NONE, "aot-group");
            assertThat(committed.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(RECORDS);
        }
    }

    @Test
    void theSecurityPropertyStillSwitchesAuthenticationOn() throws Exception {
        String token = "aot-admin-token";
        try (ChildBroker broker = start("--minikafka.broker.security.enabled=true",
                "--minikafka.broker.security.super-users=User:admin",
                "--minikafka.broker.security.tokens[0].principal=admin",
                "--minikafka.broker.security.tokens[0].sha256=" + TokenAuthenticator.hash(token))) {
            try (MiniKafkaAdmin anonymous = new MiniKafkaAdmin(broker.bootstrap())) {
                assertThatThrownBy(anonymous::listTopics).isInstanceOf(MiniKafkaException.class)
                        .hasMessageContaining("no credentials");
            }
            HttpResponse<String> http = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(broker.http() + "/api/v1/topics")).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertThat(http.statusCode()).as("REST without a token: %s", http.body()).isEqualTo(401);

            ClientSecurity admin = ClientSecurity.builder().token(token).build();
            assertThat(roundTrip(broker.bootstrap(), admin, "aot-secure-group")).isNotEmpty();
        }
    }

    @Test
    void keepsTopicsAndOffsetsInPostgreSQL() throws Exception {
        String schema = PostgresTestDatabase.newSchema("aot_mode");
        try {
            try (ChildBroker broker = start(PostgresTestDatabase.brokerArgs(PostgresTestDatabase.url(), schema))) {
                roundTrip(broker.bootstrap(), ClientSecurity.NONE, "aot-pg-group");
            }
            assertThat(count(schema, "select count(*) from %s.committed_offsets where group_id = 'aot-pg-group'"))
                    .as("committed offsets rows in PostgreSQL").isEqualTo(PARTITIONS);
            assertThat(count(schema, "select count(*) from %s.topics where name = '" + TOPIC + "'")).isEqualTo(1);
        } finally {
            PostgresTestDatabase.dropSchema(schema);
        }
    }

    private ChildBroker start(String... args) throws IOException, InterruptedException {
        return ChildBroker.fromJar(jar).jvmOption("-Xmx256m").jvmOption("-Dspring.aot.enabled=true")
                .start(dir.resolve("data"), args);
    }

    /** Creates the topic, produces RECORDS, reads them in {@code group}, commits; the committed offsets. */
    private static Map<TopicPartition, Long> roundTrip(String bootstrap, ClientSecurity security, String group) {
        try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap, Duration.ofSeconds(10), security)) {
            admin.createTopic(TOPIC, PARTITIONS);
        }
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).security(security).build())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord(TOPIC, ("key-" + i).getBytes(StandardCharsets.UTF_8),
                        ("value-" + i).getBytes(StandardCharsets.UTF_8))).join();
            }
        }
        ConsumerConfig config = ConsumerConfig.builder(bootstrap).security(security).autoOffsetReset(OffsetReset.EARLIEST).build();
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(config)) {
            consumer.subscribe(List.of(TOPIC), group);
            List<ConsumerRecord> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < RECORDS && System.nanoTime() < deadline) {
                records.addAll(consumer.poll(Duration.ofMillis(200)));
            }
            assertThat(records).hasSize(RECORDS);
            consumer.commitSync();
            return consumer.committed(Set.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1)));
        }
    }

    private static long count(String schema, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(PostgresTestDatabase.url(), PostgresTestDatabase.user(), "");
                ResultSet rows = connection.createStatement().executeQuery(sql.formatted(schema))) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
