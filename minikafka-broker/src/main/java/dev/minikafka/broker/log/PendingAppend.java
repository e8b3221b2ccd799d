package dev.minikafka.broker.log;

import java.nio.ByteBuffer;

import dev.minikafka.protocol.BatchLayout;
import dev.minikafka.protocol.RecordBatch;

/** One producer request's batches waiting in a partition writer's queue, and what to tell when it is done. */
final class PendingAppend {

    /** Read-only when they are the bytes gRPC received (see {@link PartitionWriter}); position 0 at first. */
    ByteBuffer batches;
    final int bytes;
    final boolean durable;
    final AppendCallback callback;
    long baseOffset = -1;
    long appendTimeMs = -1;
    /**
     * One base offset per batch, only when the request began with duplicates of batches already appended
     * (an idempotent producer's retry); null otherwise, which is the common case and allocates nothing.
     */
    long[] batchBaseOffsets;
    /** Leading batches that are duplicates, and where the first batch to write starts. */
    int duplicates;
    int firstNewPosition;

    PendingAppend(ByteBuffer batches, boolean durable, AppendCallback callback) {
        this.batches = batches;
        this.bytes = batches.remaining();
        this.durable = durable;
        this.callback = callback;
    }

    /** Batch {@code index} (they come first, in order) repeats one appended at {@code originalOffset}. */
    void duplicate(int index, long originalOffset, int nextBatchPosition) {
        if (batchBaseOffsets == null) {
            int count = 0;
            for (int pos = batches.position(); pos + BatchLayout.HEADER_SIZE <= batches.limit();
                    pos += RecordBatch.sizeInBytes(batches, pos)) {
                count++;
            }
            batchBaseOffsets = new long[count];
        }
        batchBaseOffsets[index] = originalOffset;
        duplicates = index + 1;
        firstNewPosition = nextBatchPosition;
    }

    /** Leaves only the batches to write between position and limit. */
    void skipDuplicates() {
        if (duplicates > 0) {
            batches.position(firstNewPosition);
        }
    }

    /** Replaces the batches still to write (position to limit) with a writable copy starting at 0. */
    void copyToWritable() {
        ByteBuffer copy = ByteBuffer.allocate(batches.remaining());
        copy.put(batches.duplicate()).flip();
        batches = copy;
    }

    void succeed() {
        callback.onAppended(baseOffset, appendTimeMs, batchBaseOffsets, null);
    }

    void fail(Throwable error) {
        callback.onAppended(-1, -1, null, error);
    }
}
