package dev.minikafka.broker.security;

/** What a principal does to a resource; the names are Kafka's ACL operations. */
public enum Operation {
    /** Consume a topic; join, commit to and read the offsets of a group. */
    READ,
    /** Produce to a topic. */
    WRITE,
    CREATE,
    DELETE,
    /** Change: reset a group's offsets; set quotas (on the cluster). */
    ALTER,
    /** See a topic's metadata and offsets; implied by every other operation on the same resource. */
    DESCRIBE,
    /** Every operation. */
    ALL;

    /** Whether a rule granting this operation covers {@code requested}. */
    boolean implies(Operation requested) {
        return this == ALL || this == requested || (requested == DESCRIBE && this != DESCRIBE);
    }
}
