package dev.minikafka.cli;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.minikafka.client.RecordMetadata;
import dev.minikafka.client.SendCallback;

/**
 * Counts how the sends of one {@code produce} run ended, and keeps the first failure to report. Called on
 * the producer's I/O thread, read by the command's thread after {@code flush}: hence the atomics.
 */
final class DeliveryTally implements SendCallback {

    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
        if (exception == null) {
            acknowledged.incrementAndGet();
        } else {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, exception);
        }
    }

    long acknowledged() {
        return acknowledged.get();
    }

    long failed() {
        return failed.get();
    }

    /** The first failure, or null when every record was acknowledged. */
    Exception firstFailure() {
        return firstFailure.get();
    }
}
