package dev.minikafka.broker.log;

/**
 * An idempotent producer's batch that the partition refuses before writing anything: its sequence does not
 * follow on, its epoch is stale, or the request mixes producers. Rare by design, so an exception is fine.
 */
public final class SequenceException extends Exception {

    /** Why the batch was refused; the gRPC layer maps each to a protocol error code. */
    public enum Reason {
        OUT_OF_ORDER_SEQUENCE,
        INVALID_PRODUCER_EPOCH,
        INVALID_BATCHES
    }

    private final Reason reason;

    SequenceException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
