package dev.minikafka.binder.properties;

import org.springframework.expression.Expression;

/**
 * MiniKafka-specific settings of one producer binding
 * ({@code spring.cloud.stream.minikafka.bindings.<name>.producer.*}, defaults under
 * {@code spring.cloud.stream.minikafka.default.producer.*}).
 */
public class MiniKafkaProducerProperties {

    /** Wait for each record's acknowledgement before the send returns, so failures reach the caller. */
    private boolean sync;

    /**
     * SpEL evaluated against the outgoing message for the record key, e.g. {@code headers['customerId']};
     * when unset the {@code minikafka_messageKey} header is used, if present.
     */
    private Expression messageKeyExpression;

    /** Overrides the binder's producer acks for this binding: NONE, LEADER or DURABLE. */
    private dev.minikafka.client.Acks acks;

    public boolean isSync() {
        return sync;
    }

    public void setSync(boolean sync) {
        this.sync = sync;
    }

    public Expression getMessageKeyExpression() {
        return messageKeyExpression;
    }

    public void setMessageKeyExpression(Expression messageKeyExpression) {
        this.messageKeyExpression = messageKeyExpression;
    }

    public dev.minikafka.client.Acks getAcks() {
        return acks;
    }

    public void setAcks(dev.minikafka.client.Acks acks) {
        this.acks = acks;
    }
}
