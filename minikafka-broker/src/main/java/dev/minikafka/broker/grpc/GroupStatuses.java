package dev.minikafka.broker.grpc;

import dev.minikafka.broker.group.GroupException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Maps {@link GroupException}s to gRPC statuses, as groups.proto documents them. */
final class GroupStatuses {

    private GroupStatuses() {
    }

    static Status status(GroupException e) {
        Status status = switch (e.kind()) {
            case INVALID -> Status.INVALID_ARGUMENT;
            case FENCED -> Status.FAILED_PRECONDITION;
            case NOT_FOUND -> Status.NOT_FOUND;
            case CONFLICT -> Status.ALREADY_EXISTS;
            case UNAVAILABLE -> Status.UNAVAILABLE;
        };
        return status.withDescription(e.getMessage());
    }

    static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }
}
