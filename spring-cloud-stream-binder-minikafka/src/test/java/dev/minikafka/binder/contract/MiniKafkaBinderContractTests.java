package dev.minikafka.binder.contract;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import dev.minikafka.binder.MiniKafkaHeaders;
import dev.minikafka.broker.BrokerApplication;

/** The contract scenarios on the MiniKafka binder, against a broker started in this JVM on loopback. */
class MiniKafkaBinderContractTests extends AbstractBinderContractTests {

    @TempDir
    static Path dataDir;

    static ConfigurableApplicationContext broker;
    static String brokers;

    @BeforeAll
    static void startBroker() {
        broker = startBroker(dataDir);
        brokers = "127.0.0.1:" + broker.getBean(GrpcServerLifecycle.class).getPort();
    }

    /** The real broker application in its own context, on ephemeral ports (as the broker's own tests run it). */
    static ConfigurableApplicationContext startBroker(Path dataDir) {
        return SpringApplication.run(BrokerApplication.class, "--minikafka.broker.data-dir=" + dataDir,
                "--spring.grpc.server.port=0", "--server.port=0", "--spring.grpc.server.address=127.0.0.1",
                "--spring.main.banner-mode=off", "--spring.jmx.enabled=false");
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    protected String binderName() {
        return "minikafka";
    }

    @Override
    protected List<String> connectionProperties() {
        return List.of("--spring.cloud.stream.minikafka.binder.brokers=" + brokers);
    }

    @Override
    protected String receivedPartitionHeader() {
        return MiniKafkaHeaders.RECEIVED_PARTITION;
    }
}
