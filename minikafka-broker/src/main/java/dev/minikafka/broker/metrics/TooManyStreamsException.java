package dev.minikafka.broker.metrics;

/** No room for another metrics stream; answered with 503 and a problem detail. */
final class TooManyStreamsException extends RuntimeException {

    TooManyStreamsException(String message) {
        super(message, null, false, false);
    }
}
