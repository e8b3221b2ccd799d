package dev.minikafka.client;

/**
 * Told once per record when its send completes. Runs on the producer's I/O thread: keep it short, and
 * never call the producer's blocking methods ({@code flush}, {@code close}) from it.
 */
@FunctionalInterface
public interface SendCallback {

    /** Exactly one of the two arguments is non-null. */
    void onCompletion(RecordMetadata metadata, Exception exception);
}
