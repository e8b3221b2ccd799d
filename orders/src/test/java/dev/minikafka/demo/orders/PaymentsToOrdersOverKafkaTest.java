package dev.minikafka.demo.orders;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** Payments → Orders on the Kafka binder, against an embedded single-node Kafka (spring-kafka-test). */
class PaymentsToOrdersOverKafkaTest extends PaymentsToOrdersContract {

    private static EmbeddedKafkaKraftBroker kafka;

    @BeforeAll
    static void startKafka() {
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.afterPropertiesSet();
    }

    @AfterAll
    static void stopKafka() {
        kafka.destroy();
    }

    @Override
    String binder() {
        return "kafka";
    }

    @Override
    List<String> connection() {
        // Payments partitions by customer over 3 partitions; Orders may create the topic first.
        return List.of("--spring.cloud.stream.kafka.binder.brokers=" + kafka.getBrokersAsString(),
                "--spring.cloud.stream.kafka.binder.min-partition-count=3");
    }
}
