package dev.minikafka.binder.contract;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/**
 * The application every contract scenario runs: plain function beans, nothing binder-specific. Which of them
 * are bound, and to what, is chosen per scenario with {@code spring.cloud.function.definition} and binding
 * properties. No component scan, so the binder's own configuration is never picked up as an application bean.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
        // the broker's modules are on the test classpath (it runs in-process); the applications need none of them
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
        "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
        "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
        "org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration",
        "org.springframework.boot.grpc.server.autoconfigure.GrpcServerFactoryAutoConfiguration",
        "org.springframework.boot.grpc.server.autoconfigure.health.GrpcServerHealthAutoConfiguration",
        "org.springframework.boot.grpc.server.autoconfigure.GrpcServerReflectionAutoConfiguration"})
public class ContractApp {

    /** A payment as the demo services send it; travels as JSON. */
    public record Payment(String id, String customer, long cents) {
    }

    /** What each function received, by function name. */
    public static final class Received {
        private final Map<String, BlockingQueue<Message<?>>> queues = new ConcurrentHashMap<>();
        final AtomicInteger failingAttempts = new AtomicInteger();

        public BlockingQueue<Message<?>> of(String function) {
            return queues.computeIfAbsent(function, f -> new LinkedBlockingQueue<>());
        }
    }

    @Bean
    Received received() {
        return new Received();
    }

    @Bean
    Consumer<Message<String>> sink(Received received) {
        return message -> received.of("sink").add(message);
    }

    @Bean
    Consumer<Message<String>> dlqSink(Received received) {
        return message -> received.of("dlqSink").add(message);
    }

    @Bean
    Consumer<Message<Payment>> payments(Received received) {
        return message -> received.of("payments").add(message);
    }

    /** Rejects every record; "poison" ones are the point of the retry and DLQ scenarios. */
    @Bean
    Consumer<Message<String>> failing(Received received) {
        return message -> {
            received.failingAttempts.incrementAndGet();
            throw new IllegalStateException("cannot process " + message.getPayload());
        };
    }

    /** Throws an Error, not an exception, for a "fatal" record, as a failed assertion or a StackOverflowError would. */
    @Bean
    Consumer<Message<String>> erring(Received received) {
        return message -> {
            if ("fatal".equals(message.getPayload())) {
                throw new AssertionError("cannot go on after " + message.getPayload());
            }
            received.of("erring").add(message);
        };
    }

    /** Batch mode, rejecting every batch. */
    @Bean
    Consumer<List<String>> failingBatch(Received received) {
        return batch -> {
            received.failingAttempts.incrementAndGet();
            throw new IllegalStateException("cannot process a batch of " + batch.size());
        };
    }

    /** Batch mode: one call per List of records. */
    @Bean
    Consumer<List<String>> batchSink(Received received) {
        return batch -> received.of("batchSink").add(MessageBuilder.withPayload(batch).build());
    }
}
