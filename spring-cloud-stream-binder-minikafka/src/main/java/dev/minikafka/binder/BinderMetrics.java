package dev.minikafka.binder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The binder's meters, tagged by binding and topic (and group on the consumer side):
 * {@code minikafka.binder.records.sent}, {@code minikafka.binder.send.failures},
 * {@code minikafka.binder.records.received}, {@code minikafka.binder.records.dead.lettered}.
 * Counters are looked up once per binding and kept by the handler or adapter that increments them.
 */
public final class BinderMetrics {

    private final MeterRegistry registry;

    /** @param registry the application's registry, or null to count privately (no metrics stack present) */
    public BinderMetrics(MeterRegistry registry) {
        this.registry = registry != null ? registry : new SimpleMeterRegistry();
    }

    Counter sent(String binding, String topic) {
        return Counter.builder("minikafka.binder.records.sent").description("records acknowledged by the broker")
                .tag("binding", binding).tag("topic", topic).register(registry);
    }

    Counter sendFailures(String binding, String topic) {
        return Counter.builder("minikafka.binder.send.failures").description("records the broker did not take")
                .tag("binding", binding).tag("topic", topic).register(registry);
    }

    Counter received(String binding, String topic, String group) {
        return Counter.builder("minikafka.binder.records.received").description("records handed to the application")
                .tag("binding", binding).tag("topic", topic).tag("group", group).register(registry);
    }

    Counter deadLettered(String topic, String group) {
        return Counter.builder("minikafka.binder.records.dead.lettered").description("records sent to a dead-letter topic")
                .tag("topic", topic).tag("group", group).register(registry);
    }
}
