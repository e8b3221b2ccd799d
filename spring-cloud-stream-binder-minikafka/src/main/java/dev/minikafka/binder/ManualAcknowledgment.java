package dev.minikafka.binder;

import java.util.List;

import org.springframework.integration.acks.AcknowledgmentCallback;

import dev.minikafka.client.ConsumerRecord;

/**
 * The {@code acknowledgmentCallback} header in MANUAL ack mode: acknowledging (ACCEPT, or REJECT: the record is
 * done with, as with Kafka's manual ack) lets the consumer commit the record(s); REQUEUE leaves them uncommitted.
 * Only the first call counts. May be called from any thread.
 *
 * <p>The Kafka binder's message-driven consumer puts a spring-kafka {@code Acknowledgment} in
 * {@code kafka_acknowledgment} instead; only polled consumers share this header across binders (README).
 */
final class ManualAcknowledgment implements AcknowledgmentCallback {

    private final OffsetTracker offsets;
    private final long[] acknowledgement;
    private volatile boolean acknowledged;

    /** Made on the consumer's thread as the records are handed out. */
    ManualAcknowledgment(OffsetTracker offsets, List<ConsumerRecord> records) {
        this.offsets = offsets;
        this.acknowledgement = offsets.acknowledgementOf(records);
    }

    @Override
    public synchronized void acknowledge(Status status) {
        if (acknowledged) {
            return;
        }
        acknowledged = true;
        if (status != Status.REQUEUE) {
            offsets.acknowledged(acknowledgement);
        }
    }

    @Override
    public boolean isAcknowledged() {
        return acknowledged;
    }

    @Override
    public boolean isAutoAck() {
        return false;
    }
}
