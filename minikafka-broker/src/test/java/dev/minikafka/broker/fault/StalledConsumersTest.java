package dev.minikafka.broker.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.minikafka.broker.group.GroupCoordinator;
import dev.minikafka.broker.support.BrokerOverLoopback;
import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.broker.topic.TopicRegistry;
import dev.minikafka.client.Acks;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.ConsumerGrpc;
import dev.minikafka.proto.v1.FetchPartition;
import dev.minikafka.proto.v1.FetchRequest;
import dev.minikafka.proto.v1.PartitionData;
import dev.minikafka.proto.v1.SubscribeRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Consumers that stop reading cost the broker a bounded amount: a Subscribe stream whose reader never asks for
 * more gets no more than its flow-control window's worth while the log grows far past it, a second reader of
 * the same partition still gets everything, a group member that stops polling only grows its lag, and a
 * long-polling Fetch whose client vanished leaves nothing waiting behind it.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StalledConsumersTest extends BrokerOverLoopback {

    private static final int RECORD_BYTES = 8 * 1024;
    private static final int RECORDS = 3_000; // 24 MiB, far past any window
    /** What one stalled stream may have cost at most: windows and gRPC's send threshold, plus one message. */
    private static final long STALLED_STREAM_BOUND = 8L * 1024 * 1024;

    @Test
    void aSubscriberThatStopsReadingIsSentABoundedAmountWhileAnotherReaderGetsEverything() throws Exception {
        String topic = "clicks";
        admin.createTopic(topic, 1);
        ManagedChannel stalledChannel = NettyChannelBuilder.forAddress("127.0.0.1", BrokerRunner.grpcPort(broker))
                .usePlaintext().build();
        try {
            AtomicInteger stalledGot = new AtomicInteger();
            ConsumerGrpc.newStub(stalledChannel).subscribe(SubscribeRequest.newBuilder().setTopic(topic).setPartition(0)
                    .setOffset(-2).setMaxBytes(1024 * 1024).build(), new ClientResponseObserver<SubscribeRequest, PartitionData>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<SubscribeRequest> call) {
                            call.disableAutoRequestWithInitial(1); // takes one message, then never asks again
                        }

                        @Override
                        public void onNext(PartitionData value) {
                            stalledGot.incrementAndGet();
                        }

                        @Override
                        public void onError(Throwable t) {
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
            long producedBytes = produce(topic, RECORDS);

            List<ConsumerRecord> all = Numbered.readFromStart(bootstrap, new TopicPartition(topic, 0), RECORDS);
            assertThat(all).as("the other reader of the partition gets everything").hasSize(RECORDS);
            assertThat(all).extracting(ConsumerRecord::offset).doesNotHaveDuplicates();

            double consumedBytes = registry().get("minikafka.consumed.bytes").tags("topic", topic, "partition", "0")
                    .functionCounter().count();
            long sentToStalled = (long) consumedBytes - producedBytes; // the healthy reader took each byte once
            System.out.printf("%n== Stalled Subscribe stream: %d bytes produced, %d sent to the stalled reader "
                    + "(messages it took: %d) ==%n", producedBytes, sentToStalled, stalledGot.get());
            assertThat(stalledGot.get()).isEqualTo(1);
            assertThat(sentToStalled).as("the broker stopped sending to the reader that stopped reading")
                    .isBetween(0L, STALLED_STREAM_BOUND);
            assertThat(registry().get("minikafka.subscriptions.active").gauge().value()).isEqualTo(1.0);
        } finally {
            stalledChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        awaitGauge("minikafka.subscriptions.active", 0);
    }

    @Test
    void aGroupMemberThatStopsPollingOnlyGrowsItsLag() {
        String topic = "audit";
        admin.createTopic(topic, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(topic, 100);
        try (MiniKafkaConsumer stalled = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).enableAutoCommit(false)
                .requestTimeout(Duration.ofSeconds(15)).build())) {
            stalled.subscribe(List.of(topic), "stalled-group");
            assertThat(readAll(stalled, 100)).hasSize(100);
            stalled.commitSync();
            // It stops polling but stays a member (its heartbeats run on their own thread).
            produce(topic, 1_000);
            assertThat(Numbered.readFromStart(bootstrap, tp, 1_100)).as("others still read").hasSize(1_100);
            Map<TopicPartition, ?> committed = broker.getBean(GroupCoordinator.class).committed("stalled-group");
            long lag = admin.latestOffset(tp) - stalled.committed(Set.of(tp)).get(tp);
            assertThat(committed).containsKey(tp);
            assertThat(lag).as("the stalled member's lag").isEqualTo(1_000);
            assertThat(broker.getBean(GroupCoordinator.class).describe("stalled-group").members()).hasSize(1);
        }
    }

    @Test
    void longPollingFetchesThatTimeOutOrWhoseClientVanishedLeaveNothingWaiting() throws Exception {
        String topic = "quiet";
        admin.createTopic(topic, 1);
        ManagedChannel patient = NettyChannelBuilder.forAddress("127.0.0.1", BrokerRunner.grpcPort(broker)).usePlaintext().build();
        try {
            for (int i = 0; i < 5; i++) { // a consumer polling a partition nobody writes to
                ConsumerGrpc.newBlockingStub(patient).fetch(longPoll(topic, 200));
            }
        } finally {
            patient.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertThat(broker.getBean(TopicRegistry.class).get(topic).waiters(0).isEmpty())
                .as("fetches that timed out left no waiter behind").isTrue();

        ManagedChannel vanishing = NettyChannelBuilder.forAddress("127.0.0.1", BrokerRunner.grpcPort(broker))
                .usePlaintext().build();
        CompletableFuture<Void> fetch = CompletableFuture.runAsync(() -> {
            try {
                ConsumerGrpc.newBlockingStub(vanishing).fetch(longPoll(topic, 30_000));
            } catch (RuntimeException expected) {
                // the channel is shut down under it
            }
        });
        awaitGauge("minikafka.fetches.active", 1);
        assertThat(broker.getBean(TopicRegistry.class).get(topic).waiters(0).isEmpty()).as("the fetch waits").isFalse();
        vanishing.shutdownNow(); // the client goes away without a word
        fetch.get(10, TimeUnit.SECONDS);
        awaitGauge("minikafka.fetches.active", 0);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!broker.getBean(TopicRegistry.class).get(topic).waiters(0).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(broker.getBean(TopicRegistry.class).get(topic).waiters(0).isEmpty())
                .as("no waiter is left registered for a fetch nobody awaits").isTrue();
    }

    private static FetchRequest longPoll(String topic, int maxWaitMs) {
        return FetchRequest.newBuilder().setMaxWaitMs(maxWaitMs).setMinBytes(1).setMaxBytes(1 << 20)
                .addPartitions(FetchPartition.newBuilder().setTopic(topic).setPartition(0).setFetchOffset(0)
                        .setPartitionMaxBytes(1 << 20)).build();
    }

    private static long produce(String topic, int count) {
        byte[] padding = new byte[RECORD_BYTES];
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).acks(Acks.LEADER).build())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord(topic, Integer.toString(i).getBytes(), padding));
            }
            producer.flush();
        }
        return (long) registry().get("minikafka.produced.bytes").tags("topic", topic, "partition", "0").functionCounter().count();
    }

    private static MeterRegistry registry() {
        return broker.getBean(MeterRegistry.class);
    }

    private static void awaitGauge(String name, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (registry().get(name).gauge().value() != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(registry().get(name).gauge().value()).as(name).isEqualTo(expected);
    }
}
