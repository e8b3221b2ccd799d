package dev.minikafka.binder.contract;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The same scenarios on Spring Cloud Stream's Kafka binder and an embedded Kafka: the reference showing that
 * the scenarios describe what a real binder does, not what ours happens to do.
 */
class KafkaBinderContractTests extends FullBinderContractTests {

    static EmbeddedKafkaKraftBroker kafka;

    @BeforeAll
    static void startKafka() {
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.brokerProperty("group.initial.rebalance.delay.ms", "0");
        kafka.afterPropertiesSet();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.destroy();
        }
    }

    @Override
    protected String binderName() {
        return "kafka";
    }

    @Override
    protected List<String> connectionProperties() {
        return List.of("--spring.cloud.stream.kafka.binder.brokers=" + kafka.getBrokersAsString());
    }

    @Override
    protected String receivedPartitionHeader() {
        return KafkaHeaders.RECEIVED_PARTITION;
    }

    /** The Kafka binder honours instanceIndex/instanceCount only without Kafka's group management. */
    @Override
    protected List<String> staticPartitioningProperties(String binding) {
        return List.of("--spring.cloud.stream.kafka.bindings." + binding + ".consumer.auto-rebalance-enabled=false");
    }
}
