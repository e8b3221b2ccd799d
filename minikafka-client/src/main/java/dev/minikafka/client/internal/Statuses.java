package dev.minikafka.client.internal;

import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.TopicExistsException;
import dev.minikafka.proto.v1.ErrorCode;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Turns gRPC call failures into {@link MiniKafkaException}s that keep the broker's message. Internal API. */
public final class Statuses {

    private Statuses() {
    }

    public static MiniKafkaException toException(Throwable failure) {
        if (failure instanceof MiniKafkaException e) {
            return e;
        }
        Status status = Status.fromThrowable(failure);
        String message = status.getDescription() != null ? status.getDescription() : status.getCode().toString();
        return switch (status.getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, ABORTED, RESOURCE_EXHAUSTED ->
                    new MiniKafkaException(ErrorCode.BROKER_UNAVAILABLE, "broker unavailable: " + message, failure);
            case NOT_FOUND -> new MiniKafkaException(ErrorCode.UNKNOWN_TOPIC, message, failure);
            case ALREADY_EXISTS -> new TopicExistsException(message, failure);
            case UNAUTHENTICATED -> new MiniKafkaException(ErrorCode.NOT_AUTHENTICATED, message, failure);
            case PERMISSION_DENIED -> new MiniKafkaException(ErrorCode.NOT_AUTHORIZED, message, failure);
            case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION ->
                    new MiniKafkaException(ErrorCode.INVALID_REQUEST, message, failure);
            default -> new MiniKafkaException(ErrorCode.STORAGE_ERROR, status.getCode() + ": " + message, failure);
        };
    }

    /** The trailer in which the broker names the resource of a PERMISSION_DENIED ({@code TOPIC:name}). */
    private static final Metadata.Key<String> DENIED_RESOURCE = Metadata.Key.of("minikafka-denied-resource", Metadata.ASCII_STRING_MARSHALLER);
    private static final String TOPIC_PREFIX = "TOPIC:";

    /** The topic a PERMISSION_DENIED refused, or null when the failure is something else. */
    public static String deniedTopic(Throwable failure) {
        Metadata trailers = Status.trailersFromThrowable(failure);
        String resource = trailers == null ? null : trailers.get(DENIED_RESOURCE);
        return resource != null && resource.startsWith(TOPIC_PREFIX) ? resource.substring(TOPIC_PREFIX.length()) : null;
    }

    /** True for failures of the connection rather than of the request. */
    public static boolean isConnectionFailure(Throwable failure) {
        return failure instanceof StatusRuntimeException && toException(failure).code() == ErrorCode.BROKER_UNAVAILABLE;
    }
}
