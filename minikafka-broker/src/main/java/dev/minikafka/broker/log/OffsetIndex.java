package dev.minikafka.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A segment's sparse offset index ({@code .index}): maps an offset to the file position of the batch that
 * holds it, one entry per {@code indexIntervalBytes} of log.
 *
 * <pre>
 *  entry (8 bytes, big-endian): relativeOffset i32 (batch base offset - segment base offset), position i32
 * </pre>
 *
 * Entries point at batch starts and increase in both fields. A lookup returns the position of the last
 * entry at or below the target; the reader scans batch headers forward from there (at most one interval).
 */
final class OffsetIndex extends IndexFile {

    static final int ENTRY_SIZE = 8;

    OffsetIndex(Path path, long baseOffset) throws IOException {
        super(path, baseOffset, ENTRY_SIZE, 1);
    }

    @Override
    void readEntry(ByteBuffer in, long[] slots, int first) {
        int relative = in.getInt();
        int position = in.getInt();
        slots[first] = pack(relative, position);
    }

    @Override
    void writeEntry(ByteBuffer out, long[] slots, int first) {
        out.putInt(relativeOffset(slots[first])).putInt(position(slots[first]));
    }

    void append(long offset, int position) {
        add(pack((int) (offset - baseOffset), position), 0);
    }

    /** File position from which to scan for {@code offset}: the last indexed batch start at or below it. */
    int lookup(long offset) {
        // relative offset in the high half, so ordering of the packed longs is ordering by offset
        long relative = Math.min(offset - baseOffset, Integer.MAX_VALUE);
        int entry = floorEntry(pack((int) relative, Integer.MAX_VALUE), 0);
        return entry < 0 ? 0 : position(slots()[entry]);
    }

    /** The offset the last entry names; the index must not be empty. */
    long lastEntryOffset() {
        return baseOffset + relativeOffset(slots()[entries() - 1]);
    }

    /** Drops entries for batches at or beyond the file position {@code size} (after a log truncation). */
    void truncateToPosition(int size) throws IOException {
        int n = entries();
        long[] slots = slots();
        int keep = n;
        while (keep > 0 && position(slots[keep - 1]) >= size) {
            keep--;
        }
        truncateToEntries(keep);
    }

    /** Null when the entries are plausible for a log of {@code logSize} bytes, else what is wrong. */
    String sanityCheck(long logSize) {
        int n = entries();
        long[] slots = slots();
        for (int i = 0; i < n; i++) {
            int relative = relativeOffset(slots[i]);
            int position = position(slots[i]);
            if (relative < 0 || position < 0 || position >= logSize) {
                return "entry " + i + " (" + relative + " -> " + position + ") lies outside the log of " + logSize + " bytes";
            }
            if (i > 0 && (relative <= relativeOffset(slots[i - 1]) || position <= position(slots[i - 1]))) {
                return "entry " + i + " does not increase";
            }
        }
        return null;
    }

    private static long pack(int relativeOffset, int position) {
        return ((long) relativeOffset << 32) | (position & 0xFFFFFFFFL);
    }

    private static int relativeOffset(long entry) {
        return (int) (entry >>> 32);
    }

    private static int position(long entry) {
        return (int) entry;
    }
}
