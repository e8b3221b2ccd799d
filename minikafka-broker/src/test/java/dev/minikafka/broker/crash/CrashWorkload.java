package dev.minikafka.broker.crash;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import dev.minikafka.client.Acks;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.TopicPartition;

/**
 * The load one broker life sees until it is killed: producer threads sending uniquely numbered records with
 * {@code DURABLE} acks, every acknowledgement written to the {@link AckLedger}, and one consumer-group
 * member that reads and commits synchronously after every poll, each acknowledged commit written there too.
 */
final class CrashWorkload implements AutoCloseable {

    static final String GROUP = "crash-group";

    private final String bootstrap;
    private final String topic;
    private final AckLedger ledger;
    private final String life;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final List<AssertionError> problems = new CopyOnWriteArrayList<>();

    CrashWorkload(String bootstrap, String topic, AckLedger ledger, String life) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.ledger = ledger;
        this.life = life;
    }

    void start(int producers) {
        for (int i = 0; i < producers; i++) {
            String producerId = life + "p" + i;
            threads.add(Thread.ofPlatform().name("crash-" + producerId).start(() -> produce(producerId)));
        }
        threads.add(Thread.ofPlatform().name("crash-" + life + "consumer").start(this::consume));
    }

    /**
     * Waits until this life has acknowledged a record and a commit, so a kill after it interrupts real work
     * even when the machine is slow to start the clients; or until the broker is gone (an armed crash point
     * can halt it before the first ack or commit), or {@code timeout} passed.
     */
    void awaitProgress(Duration timeout, BooleanSupplier brokerAlive) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while ((acks.get() == 0 || commits.get() == 0) && brokerAlive.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** What the threads found wrong (a torn record read, an offset acknowledged twice). */
    List<AssertionError> problems() {
        return problems;
    }

    private void produce(String producerId) {
        // 2 KiB batches, ~48 per 96 KiB segment: the broker adds an index entry every 4 KiB but only at batch
        // starts, and an in-memory index starts with room for 16 entries. With the default 64 KiB batches a
        // segment got one or two entries, its indexes never grew, and index-resize was armed but not reached
        // in 23 of 25 lives of a 200-life run (8 KiB batches: still not reached).
        ProducerConfig config = ProducerConfig.builder(bootstrap).acks(Acks.DURABLE).linger(Duration.ofMillis(1))
                .batchSize(2 * 1024).maxBlock(Duration.ofSeconds(2)).deliveryTimeout(Duration.ofSeconds(5)).build();
        try (MiniKafkaProducer producer = new MiniKafkaProducer(config)) {
            for (long seq = 0; !stopping.get(); seq++) {
                String id = producerId + "-" + seq;
                try {
                    producer.send(new ProducerRecord(topic, AckLedger.value(id))).whenComplete((metadata, error) -> {
                        if (error == null) {
                            try {
                                ledger.acked(metadata.partition(), metadata.offset(), id);
                                acks.incrementAndGet();
                            } catch (AssertionError e) {
                                problems.add(e);
                            }
                        }
                    });
                } catch (RuntimeException e) {
                    pause(); // the broker is gone (killed); stop() follows
                }
            }
            producer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            // closing against a dead broker
        }
    }

    private void consume() {
        ConsumerConfig config = ConsumerConfig.builder(bootstrap).enableAutoCommit(false)
                .requestTimeout(Duration.ofSeconds(3)).sessionTimeout(Duration.ofSeconds(6)).build();
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(config)) {
            consumer.subscribe(List.of(topic), GROUP);
            while (!stopping.get()) {
                try {
                    for (ConsumerRecord record : consumer.poll(Duration.ofMillis(200))) {
                        AckLedger.idOf(record.value(), record.offset());
                    }
                    Map<TopicPartition, Long> positions = new HashMap<>();
                    for (TopicPartition partition : consumer.assignment()) {
                        positions.put(partition, consumer.position(partition));
                    }
                    if (!positions.isEmpty()) {
                        consumer.commitSync(positions);
                        positions.forEach(ledger::committed);
                        commits.incrementAndGet();
                    }
                } catch (AssertionError e) {
                    problems.add(e);
                } catch (RuntimeException e) {
                    pause(); // the broker is gone, or the group rebalances
                }
            }
        } catch (RuntimeException e) {
            // closing against a dead broker
        }
    }

    private void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.set(true);
        }
    }

    /**
     * Tells every thread to stop (after the broker is dead, so nothing more can be acknowledged), without
     * waiting: closing clients against a dead broker takes a while, which can overlap the next start.
     */
    void stop() {
        stopping.set(true);
    }

    /** Stops every thread and waits for it, so every acknowledgement it received is in the ledger. */
    @Override
    public void close() throws InterruptedException {
        stop();
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(30));
        }
    }
}
