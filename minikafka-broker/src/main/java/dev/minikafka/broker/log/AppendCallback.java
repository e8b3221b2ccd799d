package dev.minikafka.broker.log;

/**
 * Told once when an append is in the log (for a durable append: once it is fsynced) or has failed.
 * Runs on a writer or flusher thread, so it must be quick and must not block.
 */
@FunctionalInterface
public interface AppendCallback {

    /**
     * @param baseOffset      offset of the first record appended, or -1 on failure
     * @param logAppendTimeMs the broker's time of the append, or -1 on failure
     * @param error           null on success
     */
    void onAppended(long baseOffset, long logAppendTimeMs, Throwable error);

    /**
     * As above, with each batch's base offset when the batches did not land one after another: the
     * request began with an idempotent producer's duplicates, which keep their original offsets (-1 when
     * forgotten) and were not written again. {@code batchBaseOffsets} is null in the usual case, and
     * {@code baseOffset} is then the first batch's offset as always.
     */
    default void onAppended(long baseOffset, long logAppendTimeMs, long[] batchBaseOffsets, Throwable error) {
        onAppended(baseOffset, logAppendTimeMs, error);
    }
}
