package dev.minikafka.broker.group;

/** A group operation refused, with a message saying why and what to do. The gRPC and REST layers map the kind. */
public class GroupException extends RuntimeException {

    /** Why it was refused. */
    public enum Kind {
        /** Malformed input: a bad group id, topic, partition or offset. */
        INVALID,
        /** The caller is not (or no longer) the member it claims, or does not own the partition. */
        FENCED,
        /** No such group. */
        NOT_FOUND,
        /** The group's state forbids it now: live members during a reset or delete, an instance id in use. */
        CONFLICT,
        /** The offset store could not be reached; retry later. */
        UNAVAILABLE
    }

    private final Kind kind;

    public GroupException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public GroupException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static GroupException invalid(String message) {
        return new GroupException(Kind.INVALID, message);
    }

    static GroupException fenced(String message) {
        return new GroupException(Kind.FENCED, message);
    }
}
