package dev.minikafka.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.proto.v1.AdminGrpc;
import dev.minikafka.proto.v1.DescribeTopicRequest;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.PartitionDescription;
import dev.minikafka.proto.v1.TopicDescription;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;

class TopicMetadataTest {

    private final AtomicInteger calls = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private Server server;
    private ManagedChannel channel;
    private TopicMetadata metadata;

    /** An Admin service that knows one topic, "orders", with 6 partitions, and answers once released. */
    private final class SlowAdmin extends AdminGrpc.AdminImplBase {
        @Override
        public void describeTopic(DescribeTopicRequest request, StreamObserver<TopicDescription> responses) {
            calls.incrementAndGet();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!request.getName().equals("orders")) {
                responses.onError(Status.NOT_FOUND.withDescription("topic '" + request.getName() + "' does not exist")
                        .asRuntimeException());
                return;
            }
            TopicDescription.Builder topic = TopicDescription.newBuilder().setName("orders");
            for (int p = 0; p < 6; p++) {
                topic.addPartitions(PartitionDescription.newBuilder().setPartition(p));
            }
            responses.onNext(topic.build());
            responses.onCompleted();
        }
    }

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        // A thread per call, so the held first call does not keep the others from arriving.
        server = InProcessServerBuilder.forName(name).addService(new SlowAdmin())
                .executor(java.util.concurrent.Executors.newCachedThreadPool()).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        metadata = new TopicMetadata(AdminGrpc.newBlockingStub(channel));
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void threadsAskingForTheSameUnknownTopicShareOneRequest() throws Exception {
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            answers.add(CompletableFuture.supplyAsync(() -> metadata.partitionCount("orders", 5_000)));
        }
        Thread.sleep(200); // let all sixteen ask while the first request is held
        release.countDown();
        for (CompletableFuture<Integer> answer : answers) {
            assertThat(answer.get(5, TimeUnit.SECONDS)).isEqualTo(6);
        }
        assertThat(calls.get()).isEqualTo(1);
        assertThat(metadata.partitionCount("orders", 5_000)).as("cached").isEqualTo(6);
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void anUnknownTopicFailsEveryWaiterAndIsAskedAgainNextTime() {
        release.countDown();
        assertThatThrownBy(() -> metadata.partitionCount("ghost", 5_000))
                .isInstanceOf(MiniKafkaException.class)
                .satisfies(e -> assertThat(((MiniKafkaException) e).code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC))
                .hasMessageContaining("ghost");
        assertThatThrownBy(() -> metadata.partitionCount("ghost", 5_000)).isInstanceOf(MiniKafkaException.class);
        assertThat(calls.get()).isEqualTo(2);
    }
}
