package dev.minikafka.broker.group;

/** What a group is doing, as the admin API and metrics show it. */
public enum GroupState {
    /** No live members; committed offsets are kept and may be reset. */
    EMPTY,
    /** Partitions are being handed over: a revocation awaits confirmation, or a target partition is not owned yet. */
    RECONCILING,
    /** Every member owns exactly its target partitions. */
    STABLE
}
