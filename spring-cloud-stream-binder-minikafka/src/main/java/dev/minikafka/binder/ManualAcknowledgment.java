package dev.minikafka.binder;

import java.util.List;

import org.springframework.integration.acks.AcknowledgmentCallback;

import dev.minikafka.client.ConsumerRecord;

/**
 * The {@code acknowledgmentCallback} header in MANUAL ack mode: acknowledging (ACCEPT, or REJECT: the record is
 * done with, as with Kafka's manual ack) lets the consumer commit the record(s); REQUEUE leaves them uncommitted.
 * Only the first call counts. May be called from any thread.
 */
final class ManualAcknowledgment implements AcknowledgmentCallback {

    private final OffsetTracker offsets;
    private final List<ConsumerRecord> records;
    private volatile boolean acknowledged;

    ManualAcknowledgment(OffsetTracker offsets, List<ConsumerRecord> records) {
        this.offsets = offsets;
        this.records = records;
    }

    @Override
    public synchronized void acknowledge(Status status) {
        if (acknowledged) {
            return;
        }
        acknowledged = true;
        if (status != Status.REQUEUE) {
            offsets.acknowledged(records);
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
