package dev.minikafka.broker.log;

import java.nio.ByteBuffer;

/** One producer request's batches waiting in a partition writer's queue, and what to tell when it is done. */
final class PendingAppend {

    final ByteBuffer batches;
    final int bytes;
    final boolean durable;
    final AppendCallback callback;
    long baseOffset = -1;
    long appendTimeMs = -1;

    PendingAppend(ByteBuffer batches, boolean durable, AppendCallback callback) {
        this.batches = batches;
        this.bytes = batches.remaining();
        this.durable = durable;
        this.callback = callback;
    }

    void succeed() {
        callback.onAppended(baseOffset, appendTimeMs, null);
    }

    void fail(Throwable error) {
        callback.onAppended(-1, -1, error);
    }
}
