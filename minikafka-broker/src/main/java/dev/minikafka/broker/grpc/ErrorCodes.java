package dev.minikafka.broker.grpc;

import java.io.IOException;

import dev.minikafka.broker.log.OffsetOutOfRangeException;
import dev.minikafka.broker.log.SequenceException;
import dev.minikafka.broker.topic.TopicException;
import dev.minikafka.proto.v1.ErrorCode;
import io.grpc.Status;

/** Maps broker failures to the protocol's per-partition error codes and to gRPC statuses. */
final class ErrorCodes {

    private ErrorCodes() {
    }

    static ErrorCode of(Throwable error) {
        if (error instanceof OffsetOutOfRangeException) {
            return ErrorCode.OFFSET_OUT_OF_RANGE;
        }
        if (error instanceof SequenceException sequence) {
            return switch (sequence.reason()) {
                case OUT_OF_ORDER_SEQUENCE -> ErrorCode.OUT_OF_ORDER_SEQUENCE;
                case INVALID_PRODUCER_EPOCH -> ErrorCode.INVALID_PRODUCER_EPOCH;
                case INVALID_BATCHES -> ErrorCode.INVALID_REQUEST;
            };
        }
        if (error instanceof IOException || error instanceof java.io.UncheckedIOException) {
            return ErrorCode.STORAGE_ERROR;
        }
        if (error instanceof IllegalStateException) {
            return ErrorCode.BROKER_UNAVAILABLE;
        }
        return ErrorCode.STORAGE_ERROR;
    }

    static String message(Throwable error) {
        String message = error.getMessage();
        return message == null ? error.getClass().getSimpleName() : message;
    }

    static Status status(TopicException e) {
        Status status = switch (e.kind()) {
            case NOT_FOUND -> Status.NOT_FOUND;
            case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
            case INVALID -> Status.INVALID_ARGUMENT;
            case UNAVAILABLE -> Status.UNAVAILABLE;
        };
        return status.withDescription(e.getMessage());
    }
}
