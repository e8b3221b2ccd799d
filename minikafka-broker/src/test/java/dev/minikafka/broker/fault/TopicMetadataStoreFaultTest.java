package dev.minikafka.broker.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.ErrorCode;
import io.grpc.Status;

/**
 * The metadata store fails (its {@code topics} table renamed away) while a topic is deleted or created, over
 * REST and over gRPC: the call is refused as unavailable and changes nothing, so the topic is still described,
 * produced to and fetched from, and the same call succeeds once the store is back.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TopicMetadataStoreFaultTest {

    private static final String TOPIC = "orders";

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext broker;
    private String bootstrap;
    private MiniKafkaAdmin admin;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void startBrokerWithATopic() throws Exception {
        broker = BrokerRunner.start(dataDir);
        bootstrap = "127.0.0.1:" + BrokerRunner.grpcPort(broker);
        admin = new MiniKafkaAdmin(bootstrap);
        admin.createTopic(TOPIC, 1);
        assertThat(produce("0")).isEqualTo(ErrorCode.NONE);
    }

    @AfterEach
    void stopBroker() {
        admin.close();
        broker.close();
    }

    @Test
    void shouldAnswer503AndKeepTheTopicWhenTheDatabaseFailsADeleteOverRest() throws Exception {
        storeDown();
        HttpResponse<String> refused = http("DELETE", "/api/v1/topics/" + TOPIC);
        assertStillServed(1);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("the metadata store is unavailable; topic 'orders' was not deleted; try again");

        storeBack();
        assertThat(http("DELETE", "/api/v1/topics/" + TOPIC).statusCode()).isEqualTo(204);
        assertThat(http("GET", "/api/v1/topics/" + TOPIC).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldAnswerUnavailableAndKeepTheTopicWhenTheDatabaseFailsADeleteOverGrpc() throws Exception {
        storeDown();
        Throwable refused = catchThrowable(() -> admin.deleteTopic(TOPIC));
        assertStillServed(1);
        assertThat(refused).isInstanceOfSatisfying(MiniKafkaException.class, e -> {
            Status status = Status.fromThrowable(e.getCause());
            assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(status.getDescription()).contains("metadata store is unavailable").contains("was not deleted");
        });

        storeBack();
        admin.deleteTopic(TOPIC);
        assertThat(admin.listTopicNames()).doesNotContain(TOPIC);
    }

    @Test
    void shouldAnswer503AndCreateNothingWhenTheDatabaseFailsACreate() throws Exception {
        storeDown();
        HttpResponse<String> refused = http("POST", "/api/v1/topics", "{\"name\":\"payments\",\"partitions\":2}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.body()).contains("the metadata store is unavailable; topic 'payments' was not created");
        assertThat(http("GET", "/api/v1/topics/payments").statusCode()).isEqualTo(404);

        storeBack();
        assertThat(http("POST", "/api/v1/topics", "{\"name\":\"payments\",\"partitions\":2}").statusCode()).isEqualTo(201);
    }

    /** The topic answers describe, takes a record, and gives back all {@code before + 1} of them. */
    private void assertStillServed(int before) throws Exception {
        assertThat(http("GET", "/api/v1/topics/" + TOPIC).statusCode()).isEqualTo(200);
        assertThat(admin.describeTopic(TOPIC).partitionCount()).isEqualTo(1);
        assertThat(admin.listTopicNames()).contains(TOPIC);
        assertThat(produce(Integer.toString(before))).isEqualTo(ErrorCode.NONE);
        assertThat(Numbered.readFromStart(bootstrap, new TopicPartition(TOPIC, 0), before + 1)).hasSize(before + 1);
    }

    private ErrorCode produce(String value) throws Exception {
        return RawProduce.once(BrokerRunner.grpcPort(broker), TOPIC, 0, value).getErrorCode();
    }

    private void storeDown() throws Exception {
        sql("ALTER TABLE topics RENAME TO topics_away");
    }

    private void storeBack() throws Exception {
        sql("ALTER TABLE topics_away RENAME TO topics");
    }

    private void sql(String statement) throws Exception {
        try (Connection connection = broker.getBean(DataSource.class).getConnection();
                Statement sql = connection.createStatement()) {
            sql.execute(statement);
        }
    }

    private HttpResponse<String> http(String method, String path) throws Exception {
        return http(method, path, null);
    }

    private HttpResponse<String> http(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + broker.getEnvironment().getProperty("local.server.port") + path)).timeout(Duration.ofSeconds(30));
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
