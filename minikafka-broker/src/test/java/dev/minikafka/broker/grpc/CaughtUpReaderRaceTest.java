package dev.minikafka.broker.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.broker.metrics.BrokerMetrics;
import dev.minikafka.broker.quota.QuotaManager;
import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.broker.topic.Topic;
import dev.minikafka.broker.topic.TopicRegistry;
import dev.minikafka.proto.v1.Acks;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.FetchPartition;
import dev.minikafka.proto.v1.FetchRequest;
import dev.minikafka.proto.v1.FetchResponse;
import dev.minikafka.proto.v1.PartitionData;

/**
 * Races between a caught-up reader parking on a partition's waiters and the event that should wake or
 * release it, made to happen at the exact moment: the broker's stream and long-poll classes driven directly
 * on a running broker's topics, with a call that is cancelled or data appended at the chosen point.
 */
class CaughtUpReaderRaceTest {

    @TempDir
    static Path dataDir;

    static ConfigurableApplicationContext broker;
    static GrpcTestClient client;
    static TopicRegistry topics;
    static FetchReader reader;

    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);

    @BeforeAll
    static void startBroker() {
        broker = BrokerRunner.start(dataDir);
        client = new GrpcTestClient(BrokerRunner.grpcPort(broker));
        topics = broker.getBean(TopicRegistry.class);
        reader = new FetchReader(topics, broker.getBean(BrokerMetrics.class));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        client.close();
        broker.close();
    }

    @AfterEach
    void stopExecutor() {
        executor.shutdownNow();
    }

    @Test
    void shouldLeaveNoWaiterBehindWhenASubscriptionIsCancelledWhileItReadsAtTheLogEnd() throws Exception {
        client.createTopic("cancelled-mid-read", 1);
        Topic topic = topics.get("cancelled-mid-read");
        FakeServerCall<PartitionData> call = new FakeServerCall<>();
        // Cancelled after the pump's last check of `closed`, before it reads, finds nothing and parks.
        call.cancelOnNextIsReady();
        SubscribeStream stream = new SubscribeStream("cancelled-mid-read", 0, FetchReader.LATEST, 1024, reader,
                broker.getBean(BrokerMetrics.class), executor, broker.getBean(QuotaManager.class), call);

        stream.start();
        executor.submit(() -> { }).get(10, TimeUnit.SECONDS); // the pump has run

        assertThat(call.isCancelled()).isTrue();
        assertThat(topic.waiters(0).isEmpty()).as("no waiter of the cancelled stream left on the partition").isTrue();
    }

    @Test
    void shouldAnswerALongPollAtOnceWhenTheDataItWaitsForArrivesWhileItReReads() throws Exception {
        client.createTopic("appended-mid-read", 1);
        ByteBuffer first = GrpcTestClient.batch(1L, "first");
        // One batch is not enough, two are.
        FetchRequest request = FetchRequest.newBuilder().setMaxWaitMs(20_000).setMinBytes(first.remaining() + 1)
                .addPartitions(FetchPartition.newBuilder().setTopic("appended-mid-read").setPartition(0).setFetchOffset(0))
                .build();
        FakeServerCall<FetchResponse> call = new FakeServerCall<>();
        DelayedFetch fetch = new DelayedFetch(request, 1 << 20, 20_000, reader, executor, call);
        AtomicInteger reReads = new AtomicInteger();
        fetch.afterReRead(() -> {
            if (reReads.incrementAndGet() == 2) {
                // The re-read the first append woke has seen one batch; the second lands before it is judged.
                produce(GrpcTestClient.batch(2L, "second"));
            }
        });

        fetch.start();
        executor.submit(() -> { }).get(10, TimeUnit.SECONDS); // its first re-read (nothing there) is done
        assertThat(reReads).hasValue(1);
        produce(first);

        FetchResponse response = call.sent.poll(5, TimeUnit.SECONDS);
        assertThat(response).as("answered well before max_wait (20 s)").isNotNull();
        assertThat(response.getPartitions(0).getNextOffset()).isEqualTo(2);
    }

    private static void produce(ByteBuffer batch) {
        try {
            assertThat(client.produce("appended-mid-read", 0, Acks.ACKS_LEADER, batch).getErrorCode()).isEqualTo(ErrorCode.NONE);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
