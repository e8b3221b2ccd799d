package dev.minikafka.broker.topic;

/** A topic operation that cannot be done; the kind maps to a gRPC status and an HTTP status. */
public final class TopicException extends RuntimeException {

    /** UNAVAILABLE: the metadata store failed and nothing was changed; the same request may be retried. */
    public enum Kind { NOT_FOUND, ALREADY_EXISTS, INVALID, UNAVAILABLE }

    private final Kind kind;

    public TopicException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static TopicException notFound(String topic) {
        return new TopicException(Kind.NOT_FOUND, "topic '" + topic + "' does not exist");
    }
}
