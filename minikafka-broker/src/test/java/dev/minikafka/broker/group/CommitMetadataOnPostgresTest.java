package dev.minikafka.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.broker.support.PostgresTestDatabase;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.CommitOffsetsRequest;
import dev.minikafka.proto.v1.GroupsGrpc;
import dev.minikafka.proto.v1.OffsetCommit;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;

/**
 * Commit metadata PostgreSQL cannot store (text with U+0000) is refused up front, so it cannot fail the
 * batch transaction that other groups' commits share.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CommitMetadataOnPostgresTest {

    private static final String TOPIC = "payments";

    @TempDir
    Path dataDir;

    @Test
    void aCommitWithANulInItsMetadataIsRefusedAndOtherGroupsCommitsAreStored() throws Exception {
        String schema = PostgresTestDatabase.newSchema("commit_metadata");
        ConfigurableApplicationContext broker = BrokerRunner.start(dataDir,
                PostgresTestDatabase.brokerArgs(PostgresTestDatabase.url(), schema));
        String bootstrap = "127.0.0.1:" + BrokerRunner.grpcPort(broker);
        ManagedChannel channel = Grpc.newChannelBuilder(bootstrap, InsecureChannelCredentials.create()).build();
        try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap)) {
            admin.createTopic(TOPIC, 1);
            GroupsGrpc.GroupsBlockingStub groups = GroupsGrpc.newBlockingStub(channel);
            for (int round = 0; round < 20; round++) {
                long offset = round;
                CompletableFuture<Throwable> bad = CompletableFuture.supplyAsync(() -> catchThrowable(() ->
                        groups.withDeadlineAfter(10, TimeUnit.SECONDS).commitOffsets(commit("with-nul", offset, "a\0b"))));
                CompletableFuture<Throwable> good = CompletableFuture.supplyAsync(() -> catchThrowable(() ->
                        groups.withDeadlineAfter(10, TimeUnit.SECONDS).commitOffsets(commit("other", offset, "fine"))));

                Status refused = Status.fromThrowable(bad.get(15, TimeUnit.SECONDS));
                assertThat(refused.getCode()).as(refused.toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(refused.getDescription()).contains("NUL");
                assertThat(good.get(15, TimeUnit.SECONDS)).as("the other group's commit").isNull();
            }
            GroupCoordinator coordinator = broker.getBean(GroupCoordinator.class);
            assertThat(coordinator.committed("other").get(new TopicPartition(TOPIC, 0)).offset()).isEqualTo(19);
            assertThat(coordinator.committed("with-nul")).isEmpty();
        } finally {
            channel.shutdownNow();
            broker.close();
            PostgresTestDatabase.dropSchema(schema);
        }
    }

    private static CommitOffsetsRequest commit(String groupId, long offset, String metadata) {
        return CommitOffsetsRequest.newBuilder().setGroupId(groupId).addOffsets(OffsetCommit.newBuilder()
                .setTopic(TOPIC).setPartition(0).setOffset(offset).setMetadata(metadata)).build();
    }
}
