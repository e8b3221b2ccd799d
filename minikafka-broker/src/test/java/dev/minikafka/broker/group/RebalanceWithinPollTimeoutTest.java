package dev.minikafka.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.broker.support.StallingInterceptor;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRebalanceListener;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.GroupsGrpc;

/**
 * A rebalance whose offset look-up or commit the broker is slow to answer does not hold {@code poll} past its
 * timeout: the poll returns, the request stays in flight, and a later poll finishes the rebalance with its
 * answer. The broker holds one Groups method ({@link StallingInterceptor}); the request timeout is the default
 * 30 s, so a poll that waited for the answer (as it used to) is told apart from one of 200 ms with room to spare.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RebalanceWithinPollTimeoutTest {

    private static final Duration POLL = Duration.ofMillis(200);
    /** Far above a 200 ms poll on a busy machine, far below the 30 s request timeout. */
    private static final long POLL_BOUND_MS = 2_000;

    @TempDir
    static Path dataDir;

    private static final StallingInterceptor stall = new StallingInterceptor();
    private static ConfigurableApplicationContext broker;
    private static String bootstrap;
    private static MiniKafkaAdmin admin;

    @BeforeAll
    static void startBroker() {
        broker = BrokerRunner.startWith(dataDir, stall);
        bootstrap = "127.0.0.1:" + BrokerRunner.grpcPort(broker);
        admin = new MiniKafkaAdmin(bootstrap);
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        broker.close();
    }

    @AfterEach
    void releaseTheBroker() {
        stall.release();
    }

    @Test
    void pollReturnsWithinItsTimeoutWhileTheCommittedOffsetLookUpStallsAndReadsFromTheCommitOnceAnswered() {
        admin.createTopic("slow-lookup", 1);
        TopicPartition tp = new TopicPartition("slow-lookup", 0);
        produce(tp, 10);
        ConsumerConfig assigned = ConsumerConfig.builder(bootstrap).groupId("g-lookup").enableAutoCommit(false).build();
        try (MiniKafkaConsumer committer = new MiniKafkaConsumer(assigned)) {
            committer.assign(List.of(tp));
            committer.commitSync(Map.of(tp, 4L));
        }

        stall.hold(GroupsGrpc.getFetchOffsetsMethod());
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).build())) {
            consumer.subscribe(List.of("slow-lookup"), "g-lookup");
            pollWithinBoundUntil(consumer, () -> stall.held() > 0, "the look-up reached the broker");
            for (int i = 0; i < 5; i++) {
                assertThat(timedPoll(consumer)).isEmpty();
            }
            assertThat(consumer.assignment()).as("not taken before its committed offset is known").isEmpty();
            assertThat(stall.calls()).as("the later polls wait for the look-up in flight, not send it again").isEqualTo(1);

            stall.release();
            List<ConsumerRecord> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < 6 && System.nanoTime() < deadline) {
                records.addAll(consumer.poll(POLL));
            }
            assertThat(records).extracting(ConsumerRecord::offset).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
        }
    }

    @Test
    void pollReturnsWithinItsTimeoutWhileTheCommitBeforeARevocationStallsAndHandsOverOnceAnswered() {
        admin.createTopic("slow-commit", 2);
        TopicPartition p0 = new TopicPartition("slow-commit", 0);
        TopicPartition p1 = new TopicPartition("slow-commit", 1);
        produce(p0, 10);
        produce(p1, 10);
        AtomicInteger revocations = new AtomicInteger();
        ConsumerRebalanceListener counting = new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                revocations.incrementAndGet();
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        };
        // Sessions far longer than the test, and no auto-commit on the interval: only the commit before the
        // revocation goes to the broker.
        ConsumerConfig config = ConsumerConfig.builder(bootstrap).sessionTimeout(Duration.ofSeconds(120))
                .autoCommitInterval(Duration.ofMinutes(10)).build();
        try (MiniKafkaConsumer a = new MiniKafkaConsumer(config); MiniKafkaConsumer b = new MiniKafkaConsumer(config)) {
            a.subscribe(List.of("slow-commit"), "g-commit", counting);
            List<ConsumerRecord> read = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read.size() < 20 && System.nanoTime() < deadline) {
                read.addAll(a.poll(POLL));
            }
            assertThat(read).hasSize(20);

            stall.hold(GroupsGrpc.getCommitOffsetsMethod());
            b.subscribe(List.of("slow-commit"), "g-commit");
            pollWithinBoundUntil(a, () -> {
                b.poll(POLL);
                return stall.held() > 0;
            }, "the commit before the revocation reached the broker");
            for (int i = 0; i < 5; i++) {
                assertThat(timedPoll(a)).isEmpty();
                assertThat(b.poll(POLL)).isEmpty();
            }
            assertThat(b.assignment()).as("handed over only once committed").isEmpty();

            stall.release();
            deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((a.assignment().size() != 1 || b.assignment().size() != 1) && System.nanoTime() < deadline) {
                a.poll(POLL);
                b.poll(POLL);
            }
            assertThat(b.assignment()).hasSize(1);
            assertThat(revocations).as("announced once: its commit was slow, not failed").hasValue(1);
            assertThat(stall.calls()).as("the later polls wait for the commit in flight, not send it again").isEqualTo(1);
            TopicPartition moved = b.assignment().iterator().next();
            assertThat(b.position(moved)).as("the new owner starts where the old one stopped").isEqualTo(10);
        }
    }

    /** Polls (each within the bound) until {@code condition} holds, at most 30 s. */
    private static void pollWithinBoundUntil(MiniKafkaConsumer consumer, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            timedPoll(consumer);
        }
    }

    /** One poll of 200 ms that must neither take much longer nor throw. */
    private static List<ConsumerRecord> timedPoll(MiniKafkaConsumer consumer) {
        long start = System.nanoTime();
        List<ConsumerRecord> records;
        try {
            records = consumer.poll(POLL);
        } catch (MiniKafkaException e) {
            throw new AssertionError("poll(" + POLL.toMillis() + " ms) threw after " + elapsedMs(start) + " ms: " + e, e);
        }
        assertThat(elapsedMs(start)).as("poll(%d ms) returned after", POLL.toMillis()).isLessThan(POLL_BOUND_MS);
        return records;
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void produce(TopicPartition tp, int count) {
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).build())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord(tp.topic(), tp.partition(), null, null,
                        ("v" + i).getBytes(StandardCharsets.UTF_8), List.of()));
            }
            producer.flush();
        }
    }
}
