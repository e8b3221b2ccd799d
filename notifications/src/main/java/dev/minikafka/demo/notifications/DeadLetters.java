package dev.minikafka.demo.notifications;

import dev.minikafka.demo.common.PaymentEvent;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.messaging.support.MessageBuilder;

/**
 * The dead-letter destination: a payment whose every delivery attempt failed is published, unchanged, to the
 * output binding {@value #BINDING} (destination {@code <destination>.notifications.dlq} in application.yml),
 * with why and after how many attempts in its headers. An ordinary output binding, so it works the same on
 * every binder. Thread-safe.
 */
public class DeadLetters {

    static final String BINDING = "deadLetters-out-0";
    static final String EXCEPTION_MESSAGE = "x-exception-message";
    static final String EXCEPTION_CLASS = "x-exception-fqcn";
    static final String ATTEMPTS = "x-attempts";

    private final StreamBridge bridge;

    public DeadLetters(StreamBridge bridge) {
        this.bridge = bridge;
    }

    /** Publishes {@code payment}; throws if the binder could not take it. */
    public void publish(PaymentEvent payment, int attempts, Throwable failure) {
        boolean sent = bridge.send(BINDING, MessageBuilder.withPayload(payment)
                .setHeader(EXCEPTION_MESSAGE, String.valueOf(failure.getMessage()))
                .setHeader(EXCEPTION_CLASS, failure.getClass().getName())
                .setHeader(ATTEMPTS, attempts)
                .build());
        if (!sent) {
            throw new IllegalStateException("the dead-letter binding did not take payment " + payment.id());
        }
    }
}
