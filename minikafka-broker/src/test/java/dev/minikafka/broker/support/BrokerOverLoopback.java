package dev.minikafka.broker.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.MiniKafkaConsumer;

/**
 * A base for client tests: one real broker per test class on a temporary data directory, reached over
 * loopback gRPC at {@link #bootstrap}, with an admin client for setting up topics.
 */
public abstract class BrokerOverLoopback {

    @TempDir
    protected static Path dataDir;

    protected static ConfigurableApplicationContext broker;
    protected static String bootstrap;
    protected static MiniKafkaAdmin admin;

    @BeforeAll
    static void startBroker() {
        broker = BrokerRunner.start(dataDir);
        bootstrap = "127.0.0.1:" + BrokerRunner.grpcPort(broker);
        admin = new MiniKafkaAdmin(bootstrap);
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        broker.close();
    }

    /** Polls until {@code expected} records have come or 30 seconds have passed; returns what came. */
    protected static List<ConsumerRecord> readAll(MiniKafkaConsumer consumer, int expected) {
        List<ConsumerRecord> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (records.size() < expected && System.nanoTime() < deadline) {
            records.addAll(consumer.poll(Duration.ofMillis(500)));
        }
        return records;
    }
}
