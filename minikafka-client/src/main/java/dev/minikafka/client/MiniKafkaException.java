package dev.minikafka.client;

import dev.minikafka.proto.v1.ErrorCode;

/**
 * A failure reported by the broker or met on the way to it. {@link #code()} is the protocol's error code;
 * {@link #isRetriable()} says whether the same request may succeed later (the broker was unreachable or
 * shutting down, a quota throttled it), as opposed to a request that is wrong and will stay wrong.
 */
public class MiniKafkaException extends RuntimeException {

    private final ErrorCode code;

    public MiniKafkaException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public MiniKafkaException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public boolean isRetriable() {
        return isRetriable(code);
    }

    /** The codes a client retries: nothing about the request was wrong. */
    public static boolean isRetriable(ErrorCode code) {
        return code == ErrorCode.BROKER_UNAVAILABLE || code == ErrorCode.THROTTLED || code == ErrorCode.STORAGE_ERROR;
    }
}
