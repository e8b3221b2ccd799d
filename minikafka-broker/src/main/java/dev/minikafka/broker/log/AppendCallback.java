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
}
