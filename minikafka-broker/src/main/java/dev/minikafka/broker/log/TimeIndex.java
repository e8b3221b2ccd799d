package dev.minikafka.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A segment's sparse time index ({@code .timeindex}), for seek by time.
 *
 * <pre>
 *  entry (12 bytes, big-endian): maxTimestampBefore i64, relativeOffset i32
 * </pre>
 *
 * An entry says: every record of this segment below {@code baseOffset + relativeOffset} has a timestamp of
 * at most {@code maxTimestampBefore}. Producer timestamps need not increase, so the entries record the
 * running maximum, which does, and a search for time {@code t} may start at the last entry whose maximum
 * is below {@code t} without missing a record at or after {@code t}.
 */
final class TimeIndex extends IndexFile {

    static final int ENTRY_SIZE = 12;

    TimeIndex(Path path, long baseOffset) throws IOException {
        super(path, baseOffset, ENTRY_SIZE, 2);
    }

    @Override
    void readEntry(ByteBuffer in, long[] slots, int first) {
        slots[first] = in.getLong();
        slots[first + 1] = in.getInt();
    }

    @Override
    void writeEntry(ByteBuffer out, long[] slots, int first) {
        out.putLong(slots[first]).putInt((int) slots[first + 1]);
    }

    /** Adds an entry when the running maximum has grown since the last one; keeps the entries increasing. */
    void maybeAppend(long maxTimestampBefore, long batchBaseOffset) {
        int n = entries();
        if (n == 0 || slots()[(n - 1) * 2] < maxTimestampBefore) {
            add(maxTimestampBefore, batchBaseOffset - baseOffset);
        }
    }

    /** The offset from which to scan for the first record at or after {@code timestamp}. */
    long lookup(long timestamp) {
        // last entry whose maximum is strictly below the timestamp
        int entry = floorEntry(timestamp - 1, 0);
        return entry < 0 ? baseOffset : baseOffset + slots()[entry * 2 + 1];
    }

    /** Drops entries at or beyond {@code offset} (after a log truncation). */
    void truncateToOffset(long offset) throws IOException {
        int n = entries();
        long[] slots = slots();
        int keep = n;
        while (keep > 0 && baseOffset + slots[(keep - 1) * 2 + 1] >= offset) {
            keep--;
        }
        truncateToEntries(keep);
    }
}
