package dev.minikafka.client;

/** Where a consumer starts when its position is unknown or no longer in the log ({@code auto.offset.reset}). */
public enum OffsetReset {
    /** The oldest record still retained. */
    EARLIEST,
    /** The next record to be written. */
    LATEST,
    /** Fail the poll with an {@code OFFSET_OUT_OF_RANGE} error. */
    NONE
}
