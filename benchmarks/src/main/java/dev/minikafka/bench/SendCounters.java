package dev.minikafka.bench;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends and their outcomes for one phase of a run, updated by the sending threads and the client's callback
 * threads at once. Adders rather than atomics: every ack touches them.
 */
final class SendCounters {

    private final LongAdder sent = new LongAdder();
    private final LongAdder acked = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();

    void sent() {
        sent.increment();
    }

    void acked() {
        acked.increment();
    }

    void failed(Throwable error) {
        failed.increment();
        firstError.compareAndSet(null, error);
    }

    long sentCount() {
        return sent.sum();
    }

    long ackedCount() {
        return acked.sum();
    }

    long failedCount() {
        return failed.sum();
    }

    /**
     * Sends not yet acknowledged or failed. Completions are read before sends, so a zero is never early:
     * at the moment sends are read, at least that many have completed.
     */
    long outstanding() {
        long completed = acked.sum() + failed.sum();
        return sent.sum() - completed;
    }

    Throwable firstError() {
        return firstError.get();
    }
}
