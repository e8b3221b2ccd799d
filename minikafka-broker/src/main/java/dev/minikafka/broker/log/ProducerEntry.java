package dev.minikafka.broker.log;

import dev.minikafka.protocol.BatchLayout;

/**
 * What one partition remembers of one idempotent producer: its epoch, when it last appended, and its last
 * {@value #RETAINED_BATCHES} batches (first and last sequence, base and last offset), oldest first. The
 * window matches the producer's limit of five batches in flight per partition, so any batch a producer
 * retries is still here and can be answered with its original offset.
 *
 * <p>Not thread-safe: owned by the partition's writer (and by recovery before the writer starts).
 */
final class ProducerEntry {

    static final int RETAINED_BATCHES = 5;

    final long producerId;
    private short epoch;
    private long lastAppendMs;
    private final int[] firstSequences = new int[RETAINED_BATCHES];
    private final int[] lastSequences = new int[RETAINED_BATCHES];
    private final long[] baseOffsets = new long[RETAINED_BATCHES];
    private final long[] lastOffsets = new long[RETAINED_BATCHES];
    /** Ring indexes: the oldest batch at {@code head}, {@code size} batches. */
    private int head;
    private int size;

    ProducerEntry(long producerId, short epoch) {
        this.producerId = producerId;
        this.epoch = epoch;
    }

    short epoch() {
        return epoch;
    }

    long lastAppendMs() {
        return lastAppendMs;
    }

    int batchCount() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The last sequence appended, or {@link BatchLayout#NO_SEQUENCE} when no batch is remembered. */
    int lastSequence() {
        return size == 0 ? BatchLayout.NO_SEQUENCE : lastSequences[slot(size - 1)];
    }

    /** The base offset of the remembered batch with exactly these sequences, or -1. */
    long offsetOfDuplicate(int firstSequence, int lastSequence) {
        for (int i = 0; i < size; i++) {
            int s = slot(i);
            if (firstSequences[s] == firstSequence && lastSequences[s] == lastSequence) {
                return baseOffsets[s];
            }
        }
        return -1;
    }

    /** Records an appended batch; a new epoch forgets the old one's batches. */
    void append(short batchEpoch, int firstSequence, int lastSequence, long baseOffset, long lastOffset, long timestampMs) {
        if (batchEpoch != epoch) {
            epoch = batchEpoch;
            size = 0;
        }
        int s;
        if (size == RETAINED_BATCHES) {
            s = head;
            head = slot(1);
        } else {
            s = slot(size);
            size++;
        }
        firstSequences[s] = firstSequence;
        lastSequences[s] = lastSequence;
        baseOffsets[s] = baseOffset;
        lastOffsets[s] = lastOffset;
        lastAppendMs = Math.max(lastAppendMs, timestampMs);
    }

    /** Forgets the batches at or after {@code offset} (a write that failed, a log cut back). */
    void truncateFrom(long offset) {
        while (size > 0 && baseOffsets[slot(size - 1)] >= offset) {
            size--;
        }
    }

    /** Calls {@code visitor} with each remembered batch, oldest first (for snapshots). */
    void forEachBatch(BatchVisitor visitor) {
        for (int i = 0; i < size; i++) {
            int s = slot(i);
            visitor.batch(firstSequences[s], lastSequences[s], baseOffsets[s], lastOffsets[s]);
        }
    }

    interface BatchVisitor {
        void batch(int firstSequence, int lastSequence, long baseOffset, long lastOffset);
    }

    private int slot(int i) {
        return (head + i) % RETAINED_BATCHES;
    }

    /** {@code sequence + increment}, wrapping past {@code Integer.MAX_VALUE} to 0 as Kafka's sequences do. */
    static int addSequence(int sequence, int increment) {
        return sequence > Integer.MAX_VALUE - increment ? increment - (Integer.MAX_VALUE - sequence) - 1
                : sequence + increment;
    }
}
