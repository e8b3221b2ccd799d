package dev.minikafka.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.minikafka.broker.support.BrokerOverLoopback;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRebalanceListener;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.TopicPartition;

@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConsumerGroupSmokeTest extends BrokerOverLoopback {

    @Test
    void aMemberGetsEveryPartitionAndItsSuccessorResumesFromTheCommit() {
        admin.createTopic("smoke", 4);
        produce("smoke", 0, 100);
        Set<String> seen = new HashSet<>();
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).build())) {
            consumer.subscribe(List.of("smoke"), "g1");
            readAll(consumer, 100).forEach(r -> seen.add(value(r)));
            assertThat(consumer.assignment()).hasSize(4);
        }
        assertThat(seen).hasSize(100);
        produce("smoke", 100, 50);
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).build())) {
            consumer.subscribe(List.of("smoke"), "g1");
            List<ConsumerRecord> next = readAll(consumer, 50);
            assertThat(next).extracting(ConsumerGroupSmokeTest::value).doesNotContainAnyElementsOf(seen).hasSize(50);
            assertThat(consumer.committed(Set.of(new TopicPartition("smoke", 0)))).isNotEmpty();
        }
    }

    @Test
    void twoMembersSplitThePartitions() throws Exception {
        admin.createTopic("split", 4);
        try (MiniKafkaConsumer a = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).build());
             MiniKafkaConsumer b = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).build())) {
            a.subscribe(List.of("split"), "g2");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (a.assignment().size() < 4 && System.nanoTime() < deadline) {
                a.poll(Duration.ofMillis(100));
            }
            assertThat(a.assignment()).hasSize(4);
            b.subscribe(List.of("split"), "g2");
            while ((a.assignment().size() != 2 || b.assignment().size() != 2) && System.nanoTime() < deadline) {
                a.poll(Duration.ofMillis(50));
                b.poll(Duration.ofMillis(50));
            }
            assertThat(a.assignment()).hasSize(2);
            assertThat(b.assignment()).hasSize(2).doesNotContainAnyElementsOf(a.assignment());
        }
    }

    /**
     * The application's revocation listener throws once: the failure leaves that poll, and the next poll hands
     * the partitions over. (The assignment used to be dropped with the failure, so the revocation was never
     * confirmed and the newcomer waited for the old member's session to expire.)
     */
    @Test
    void aRevocationListenerThatFailsOnceDelaysTheHandOverOnlyToTheNextPoll() {
        admin.createTopic("listener", 4);
        AtomicInteger revocations = new AtomicInteger();
        ConsumerRebalanceListener failsOnce = new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (revocations.incrementAndGet() == 1) {
                    throw new IllegalStateException("the application's listener failed");
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        };
        // A session far longer than the test waits: only the next poll, not the broker's expiry, can hand over.
        ConsumerConfig config = ConsumerConfig.builder(bootstrap).sessionTimeout(Duration.ofSeconds(120)).build();
        try (MiniKafkaConsumer a = new MiniKafkaConsumer(config); MiniKafkaConsumer b = new MiniKafkaConsumer(config)) {
            a.subscribe(List.of("listener"), "g3", failsOnce);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (a.assignment().size() < 4 && System.nanoTime() < deadline) {
                a.poll(Duration.ofMillis(100));
            }
            assertThat(a.assignment()).hasSize(4);

            b.subscribe(List.of("listener"), "g3");
            List<IllegalStateException> thrown = new ArrayList<>();
            while ((a.assignment().size() != 2 || b.assignment().size() != 2) && System.nanoTime() < deadline) {
                try {
                    a.poll(Duration.ofMillis(50));
                } catch (IllegalStateException e) {
                    thrown.add(e);
                }
                b.poll(Duration.ofMillis(50));
            }
            assertThat(thrown).as("the listener's failure reached the application").hasSize(1);
            assertThat(revocations).as("the revocation was announced again").hasValue(2);
            assertThat(a.assignment()).hasSize(2);
            assertThat(b.assignment()).hasSize(2).doesNotContainAnyElementsOf(a.assignment());
        }
    }

    /**
     * A static member refused because its instance id is in use hears of it from poll, and joins once the other
     * consumer has closed. (It used to stop trying after the first refusal and return nothing for ever.)
     */
    @Test
    void aStaticMemberRefusedWhileItsInstanceIdIsInUseJoinsOnceThatConsumerCloses() {
        admin.createTopic("static", 2);
        ConsumerConfig config = ConsumerConfig.builder(bootstrap).groupInstanceId("instance-s")
                .sessionTimeout(Duration.ofSeconds(30)).build();
        MiniKafkaConsumer first = new MiniKafkaConsumer(config);
        try (MiniKafkaConsumer second = new MiniKafkaConsumer(config)) {
            first.subscribe(List.of("static"), "g4");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (first.assignment().size() < 2 && System.nanoTime() < deadline) {
                first.poll(Duration.ofMillis(100));
            }
            assertThat(first.assignment()).hasSize(2);

            second.subscribe(List.of("static"), "g4");
            List<MiniKafkaException> refusals = new ArrayList<>();
            while (refusals.isEmpty() && System.nanoTime() < deadline) {
                first.poll(Duration.ofMillis(50));
                try {
                    second.poll(Duration.ofMillis(50));
                } catch (MiniKafkaException e) {
                    refusals.add(e);
                }
            }
            assertThat(refusals).as("the refusal reached the application").isNotEmpty();
            assertThat(refusals.get(0).getMessage()).contains("instance id 'instance-s' is in use");

            first.close(); // its static member stays, away, and the second consumer takes it over
            while (second.assignment().size() < 2 && System.nanoTime() < deadline) {
                try {
                    second.poll(Duration.ofMillis(100));
                } catch (MiniKafkaException stillInUse) {
                    // until the broker has seen the first one's session end
                }
            }
            assertThat(second.assignment()).as("the partitions, once the first consumer closed").hasSize(2);
        } finally {
            first.close();
        }
    }

    private static void produce(String topic, int from, int count) {
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).build())) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord(topic, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static String value(ConsumerRecord record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }
}
