package dev.minikafka.bench.binder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import dev.minikafka.broker.BrokerApplication;

/**
 * The benchmark's two roles, each in its own application context, through the MiniKafka binder to a real broker
 * on loopback (all in this JVM): every record arrives with its send stamp and the summary says so.
 */
class BinderBenchSmokeTest {

    /** The broker's modules are on the test classpath (it runs in-process); the benchmark needs none of them. */
    private static final String BROKER_AUTOCONFIGURATION = String.join(",",
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
            "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
            "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
            "org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration",
            "org.springframework.boot.grpc.server.autoconfigure.GrpcServerFactoryAutoConfiguration",
            "org.springframework.boot.grpc.server.autoconfigure.health.GrpcServerHealthAutoConfiguration",
            "org.springframework.boot.grpc.server.autoconfigure.GrpcServerReflectionAutoConfiguration");

    @TempDir
    static Path dir;

    static ConfigurableApplicationContext broker;
    static String brokers;

    @BeforeAll
    static void startBroker() {
        broker = SpringApplication.run(BrokerApplication.class, "--minikafka.broker.data-dir=" + dir.resolve("data"),
                "--spring.grpc.server.address=127.0.0.1:0", "--spring.main.web-application-type=none",
                "--springdoc.api-docs.enabled=false", "--spring.main.banner-mode=off", "--spring.jmx.enabled=false");
        brokers = "127.0.0.1:" + broker.getBean(GrpcServerLifecycle.class).getPort();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldCarryEveryRecordFromTheProducerAppToTheConsumerAppAndReportItsLatency() throws Exception {
        Path report = dir.resolve("consumer.json");
        try (ConfigurableApplicationContext consumerApp = start("consumer", "--bench.report=" + report);
                ConfigurableApplicationContext producerApp = start("producer")) {
            BenchRole consumer = consumerApp.getBean(BenchRole.class);
            CompletableFuture<Boolean> consumed = CompletableFuture.supplyAsync(() -> {
                try {
                    return consumer.run();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });

            assertThat(producerApp.getBean(BenchRole.class).run()).isTrue();

            assertThat(consumed.get(90, TimeUnit.SECONDS)).as("all 1,000 records arrived").isTrue();
        }
        String json = Files.readString(report);
        assertThat(json).contains("\"received\":1000", "\"warmupRecords\":100", "\"measured\":900",
                "\"payloadSize\":100", "\"latencyMs\":{\"p50\":");
    }

    private static ConfigurableApplicationContext start(String role, String... more) {
        String[] args = {"--spring.profiles.active=minikafka," + role, "--bench.minikafka-brokers=" + brokers,
                "--bench.topic=smoke", "--bench.records=1000", "--bench.warmup-records=100", "--bench.timeout=60s",
                "--spring.autoconfigure.exclude=" + BROKER_AUTOCONFIGURATION, "--spring.jmx.enabled=false"};
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(more))
                .toArray(String[]::new);
        return new SpringApplicationBuilder(BinderBenchApplication.class).run(all);
    }
}
