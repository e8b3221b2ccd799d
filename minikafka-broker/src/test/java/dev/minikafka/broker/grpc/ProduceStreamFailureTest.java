package dev.minikafka.broker.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.proto.v1.Acks;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.ProduceResponse;

/**
 * A produce request the broker fails on unexpectedly fails alone: the metadata store breaks (its topics
 * table renamed away) so that auto-creating a topic throws, and the produce stream carrying that request
 * goes on answering the requests to other partitions.
 */
class ProduceStreamFailureTest {

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext broker;
    private GrpcTestClient client;

    @BeforeEach
    void startBroker() {
        broker = BrokerRunner.start(dataDir, "--minikafka.broker.auto-create-topics=true");
        client = new GrpcTestClient(BrokerRunner.grpcPort(broker));
    }

    @AfterEach
    void stopBroker() throws Exception {
        client.close();
        broker.close();
    }

    @Test
    void shouldAnswerARequestWhoseTopicCannotBeAutoCreatedWithBrokerUnavailableAndKeepTheStreamOpen() throws Exception {
        client.createTopic("steady", 2);
        sql("ALTER TABLE topics RENAME TO topics_away");
        try {
            CompletableFuture<ProduceResponse> before = client.produceAsync("steady", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(1L, "a"));
            CompletableFuture<ProduceResponse> failed = client.produceAsync("fresh", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(1L, "b"));
            CompletableFuture<ProduceResponse> after = client.produceAsync("steady", 1, Acks.ACKS_LEADER, GrpcTestClient.batch(1L, "c"));

            ProduceResponse refused = failed.get(10, TimeUnit.SECONDS);
            assertThat(refused.getErrorCode()).isEqualTo(ErrorCode.BROKER_UNAVAILABLE);
            assertThat(refused.getErrorMessage()).contains("topic fresh, partition 0").contains("retry later");
            assertThat(before.get(10, TimeUnit.SECONDS).getErrorCode()).isEqualTo(ErrorCode.NONE);
            assertThat(after.get(10, TimeUnit.SECONDS).getErrorCode()).isEqualTo(ErrorCode.NONE);
        } finally {
            sql("ALTER TABLE topics_away RENAME TO topics");
        }
        assertThat(client.produce("steady", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(2L, "d")).getBaseOffset())
                .as("the same stream, still open").isEqualTo(1);
        assertThat(client.produce("fresh", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(2L, "e")).getErrorCode())
                .as("auto-created once the store is back").isEqualTo(ErrorCode.NONE);
    }

    private void sql(String statement) throws Exception {
        try (Connection connection = broker.getBean(DataSource.class).getConnection();
                Statement sql = connection.createStatement()) {
            sql.execute(statement);
        }
    }
}
