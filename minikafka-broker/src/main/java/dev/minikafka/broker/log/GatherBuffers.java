package dev.minikafka.broker.log;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The buffers of one gathering write, in file order: whole requests whose batches took their base offsets in
 * place, or, for a request the writer may not change (a read-only view of the bytes gRPC received), an 8-byte
 * base offset and the rest of the batch after it, for each batch. Reused from drain to drain; owned by the
 * partition's drain task.
 */
final class GatherBuffers {

    private ByteBuffer[] buffers = new ByteBuffer[64];
    private int count;

    void add(ByteBuffer buffer) {
        if (count == buffers.length) {
            buffers = Arrays.copyOf(buffers, count * 2);
        }
        buffers[count++] = buffer;
    }

    /** The batch at {@code pos} of the read-only {@code batches}, written with {@code baseOffset} as its first field. */
    void addWithBaseOffset(ByteBuffer batches, int pos, int size, long baseOffset) {
        ByteBuffer head = ByteBuffer.allocate(Long.BYTES).putLong(0, baseOffset); // BatchLayout.BASE_OFFSET_OFFSET is 0
        add(head);
        add(batches.slice(pos + Long.BYTES, size - Long.BYTES));
    }

    ByteBuffer[] array() {
        return buffers;
    }

    int count() {
        return count;
    }

    /** Drops the references, so written requests are not kept alive until the next drain. */
    void clear() {
        Arrays.fill(buffers, 0, count, null);
        count = 0;
    }
}
