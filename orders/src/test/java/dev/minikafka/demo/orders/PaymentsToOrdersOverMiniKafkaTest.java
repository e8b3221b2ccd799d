package dev.minikafka.demo.orders;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Payments → Orders on the MiniKafka binder, against a MiniKafka broker run from its jar, as users run it. */
class PaymentsToOrdersOverMiniKafkaTest extends PaymentsToOrdersContract {

    private static BrokerProcess broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = BrokerProcess.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Override
    String binder() {
        return "minikafka";
    }

    @Override
    List<String> connection() {
        return List.of("--spring.cloud.stream.minikafka.binder.brokers=" + broker.bootstrap(),
                "--spring.cloud.stream.minikafka.binder.min-partition-count=3");
    }
}
