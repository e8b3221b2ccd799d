package dev.minikafka.broker.log;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import dev.minikafka.protocol.BatchCheck;
import dev.minikafka.protocol.BatchLayout;
import dev.minikafka.protocol.Record;
import dev.minikafka.protocol.RecordBatch;

/**
 * One file of a partition log and its two sparse indexes, named by the offset of its first record:
 * {@code 00000000000000000000.log}, {@code .index}, {@code .timeindex}. The log file is a plain run of
 * record batches exactly as producers sent them, base offsets filled in (see {@link BatchLayout}).
 *
 * <p>Thread-safety: one writer appends (the partition's writer); readers run concurrently with positional
 * reads bounded by {@link #size()}, which the writer publishes only after the bytes are written, so a
 * reader never sees a half-written batch.
 *
 * <p>Crash story: the bytes past the last fsync may be missing or torn after a power loss, and the indexes
 * may lag or lead the log; {@link #recover} rescans the file, truncates it at the first batch that is
 * incomplete or fails its CRC, and rebuilds both indexes.
 */
final class Segment {

    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String DELETED_SUFFIX = ".deleted";
    /** Header bytes a reader needs to step over a batch and know its offsets and timestamps. */
    private static final int SCAN_HEADER = BatchLayout.PRODUCER_ID_OFFSET;

    private final Path dir;
    private final long baseOffset;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final long createdMs;

    private volatile int size;
    private volatile long nextOffset;
    private volatile long maxTimestamp = -1;
    private int bytesSinceIndexEntry;
    /** Set when the offset index failed its check on open; cleared by {@link #recover}. */
    private String openProblem;

    private Segment(Path dir, long baseOffset, long createdMs) throws IOException {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.createdMs = createdMs;
        this.channel = FileChannel.open(file(dir, baseOffset, LOG_SUFFIX),
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.offsetIndex = new OffsetIndex(file(dir, baseOffset, INDEX_SUFFIX), baseOffset);
        this.timeIndex = new TimeIndex(file(dir, baseOffset, TIME_INDEX_SUFFIX), baseOffset);
        this.nextOffset = baseOffset;
    }

    /** A new, empty segment. */
    static Segment create(Path dir, long baseOffset, long nowMs) throws IOException {
        return new Segment(dir, baseOffset, nowMs);
    }

    /**
     * An existing segment whose indexes are trusted (after a clean shutdown, or an older segment that
     * passed its sanity check): reads only the batch headers past the last index entries.
     */
    static Segment open(Path dir, long baseOffset, long nowMs) throws IOException {
        Segment segment = new Segment(dir, baseOffset, nowMs);
        segment.size = (int) Math.min(segment.channel.size(), LogConfig.MAX_SEGMENT_BYTES);
        // A garbled index must not steer the header scan off the file; recovery rebuilds it instead.
        segment.openProblem = segment.offsetIndex.sanityCheck(segment.size);
        if (segment.openProblem == null) {
            segment.scanTailHeaders();
        }
        return segment;
    }

    static Path file(Path dir, long baseOffset, String suffix) {
        return dir.resolve(String.format("%020d", baseOffset) + suffix);
    }

    long baseOffset() {
        return baseOffset;
    }

    /** Bytes of whole batches readers may see. */
    int size() {
        return size;
    }

    /** The offset the next record appended here will get. */
    long nextOffset() {
        return nextOffset;
    }

    /** The largest record timestamp in this segment, -1 while empty. */
    long maxTimestamp() {
        return maxTimestamp;
    }

    long createdMs() {
        return createdMs;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Null when the offset index is plausible, else what is wrong; a segment with a problem must be recovered. */
    String indexProblem() {
        return openProblem != null ? openProblem : offsetIndex.sanityCheck(sizeOnDisk());
    }

    private long sizeOnDisk() {
        try {
            return channel.size();
        } catch (IOException e) {
            return -1;
        }
    }

    // ---- writing (the partition's writer thread only) ----

    /**
     * Notes a batch about to be written at {@code position}: index entries every
     * {@code indexIntervalBytes}, the time index on a new maximum timestamp. Call in write order.
     */
    void indexBatch(long batchBaseOffset, long batchMaxTimestamp, int position, int batchSize, int indexIntervalBytes) {
        if (bytesSinceIndexEntry >= indexIntervalBytes || offsetIndex.entries() == 0 && position > 0) {
            offsetIndex.append(batchBaseOffset, position);
            if (maxTimestamp >= 0) {
                timeIndex.maybeAppend(maxTimestamp, batchBaseOffset);
            }
            bytesSinceIndexEntry = 0;
        }
        bytesSinceIndexEntry += batchSize;
        if (batchMaxTimestamp > maxTimestamp) {
            maxTimestamp = batchMaxTimestamp;
        }
    }

    /**
     * Writes the buffers (whole batches, offsets assigned) at the end of the file in one gathering write and
     * publishes them to readers. On failure the file is cut back so no partial batch stays behind.
     */
    void write(ByteBuffer[] buffers, int count, int bytes, long newNextOffset) throws IOException {
        int start = size;
        try {
            channel.position(start);
            long remaining = bytes;
            while (remaining > 0) {
                remaining -= channel.write(buffers, 0, count);
            }
            offsetIndex.writeNewEntries();
            timeIndex.writeNewEntries();
        } catch (IOException e) {
            truncateTo(start, nextOffset);
            throw e;
        }
        size = start + bytes;
        nextOffset = newNextOffset;
    }

    /** fsyncs the log and its indexes. Safe from a flusher thread while the writer appends. */
    void flush() throws IOException {
        channel.force(false);
        offsetIndex.flush();
        timeIndex.flush();
    }

    // ---- reading (any thread) ----

    /**
     * Whole batches from the one holding {@code offset}, about {@code maxBytes} of them but always at
     * least one; empty when no batch here reaches {@code offset}.
     */
    ByteBuffer read(long offset, int maxBytes) throws IOException {
        int end = size;
        int position = findBatch(offset, offsetIndex.lookup(offset), end);
        if (position < 0) {
            return ByteBuffer.allocate(0);
        }
        int firstSize = batchSizeAt(position);
        int length = Math.min(end - position, Math.max(maxBytes, firstSize));
        ByteBuffer out = ByteBuffer.allocate(length);
        readFully(out, position);
        out.flip();
        out.limit(wholeBatches(out));
        return out;
    }

    /** The first offset at or after {@code timestamp} in this segment, or -1 when there is none here. */
    long offsetForTimestamp(long timestamp) throws IOException {
        if (maxTimestamp < timestamp) {
            return -1;
        }
        int end = size;
        long from = timeIndex.lookup(timestamp);
        int position = offsetIndex.lookup(from);
        ByteBuffer header = ByteBuffer.allocate(SCAN_HEADER);
        while (position < end) {
            readHeader(header, position);
            int batchSize = RecordBatch.sizeInBytes(header, 0);
            if (RecordBatch.maxTimestamp(header, 0) >= timestamp) {
                ByteBuffer batch = ByteBuffer.allocate(batchSize);
                readFully(batch, position);
                batch.flip();
                List<Record> records = new ArrayList<>();
                RecordBatch.decode(batch, 0, 0, records);
                for (Record record : records) {
                    if (record.timestamp() >= timestamp) {
                        return record.offset();
                    }
                }
            }
            position += batchSize;
        }
        return -1;
    }

    /** Position of the first batch whose last offset is at least {@code offset}, scanning from {@code from}. */
    private int findBatch(long offset, int from, int end) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(SCAN_HEADER);
        int position = from;
        while (position < end) {
            readHeader(header, position);
            if (RecordBatch.lastOffset(header, 0) >= offset) {
                return position;
            }
            position += RecordBatch.sizeInBytes(header, 0);
        }
        return -1;
    }

    private int batchSizeAt(int position) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(BatchLayout.LOG_OVERHEAD);
        readFully(header, position);
        return RecordBatch.sizeInBytes(header, 0);
    }

    private void readHeader(ByteBuffer header, int position) throws IOException {
        header.clear();
        readFully(header, position);
    }

    private void readFully(ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new EOFException("segment " + file(dir, baseOffset, LOG_SUFFIX) + " ends at " + position);
            }
            position += n;
        }
    }

    /** Limit covering only the whole batches at the start of {@code buffer}. */
    private static int wholeBatches(ByteBuffer buffer) {
        int position = 0;
        int limit = buffer.limit();
        while (limit - position >= BatchLayout.LOG_OVERHEAD) {
            int batchSize = RecordBatch.sizeInBytes(buffer, position);
            if (batchSize > limit - position) {
                break;
            }
            position += batchSize;
        }
        return position;
    }

    // ---- opening and recovery (before the log is published) ----

    /** Finds next offset and max timestamp by scanning batch headers after the last index entries. */
    private void scanTailHeaders() throws IOException {
        long timeFrom = timeIndex.entries() == 0 ? baseOffset : timeIndex.lookup(Long.MAX_VALUE);
        int position = offsetIndex.lookup(timeFrom);
        long max = -1;
        long next = baseOffset;
        int lastIndexed = offsetIndex.lookup(Long.MAX_VALUE);
        int end = size;
        ByteBuffer header = ByteBuffer.allocate(SCAN_HEADER);
        bytesSinceIndexEntry = 0;
        while (position + SCAN_HEADER <= end) {
            readHeader(header, position);
            int batchSize = RecordBatch.sizeInBytes(header, 0);
            if (batchSize < BatchLayout.HEADER_SIZE || batchSize > end - position) {
                break; // cannot happen after a clean shutdown; recovery handles the unclean case
            }
            max = Math.max(max, RecordBatch.maxTimestamp(header, 0));
            next = RecordBatch.lastOffset(header, 0) + 1;
            if (position >= lastIndexed) {
                bytesSinceIndexEntry += batchSize;
            }
            position += batchSize;
        }
        size = position;
        nextOffset = next;
        maxTimestamp = timeIndex.entries() == 0 ? max : Math.max(max, timeIndex.slots()[(timeIndex.entries() - 1) * 2]);
    }

    /**
     * Rescans the whole file after a crash: checks every batch (length, magic, CRC, record framing, offsets
     * continuing from the previous batch), truncates at the first that fails, rebuilds both indexes.
     *
     * @return bytes cut off the end of the file
     */
    long recover(int indexIntervalBytes) throws IOException {
        long fileSize = channel.size();
        int end = (int) Math.min(fileSize, LogConfig.MAX_SEGMENT_BYTES);
        offsetIndex.truncateToEntries(0);
        timeIndex.truncateToEntries(0);
        size = 0;
        maxTimestamp = -1;
        bytesSinceIndexEntry = 0;
        long next = baseOffset;
        int position = 0;
        ByteBuffer header = ByteBuffer.allocate(BatchLayout.LOG_OVERHEAD);
        ByteBuffer batch = ByteBuffer.allocate(64 * 1024);
        while (end - position >= BatchLayout.HEADER_SIZE) {
            readHeader(header, position);
            int batchSize = RecordBatch.sizeInBytes(header, 0);
            if (batchSize < BatchLayout.HEADER_SIZE || batchSize > end - position) {
                break;
            }
            if (batch.capacity() < batchSize) {
                batch = ByteBuffer.allocate(batchSize);
            }
            batch.clear().limit(batchSize);
            readFully(batch, position);
            batch.flip();
            if (RecordBatch.check(batch, 0, batchSize, Integer.MAX_VALUE) != BatchCheck.OK
                    || RecordBatch.baseOffset(batch, 0) != next) {
                break;
            }
            indexBatch(next, RecordBatch.maxTimestamp(batch, 0), position, batchSize, indexIntervalBytes);
            next = RecordBatch.lastOffset(batch, 0) + 1;
            position += batchSize;
        }
        if (position < fileSize) {
            channel.truncate(position);
        }
        offsetIndex.writeNewEntries();
        timeIndex.writeNewEntries();
        size = position;
        nextOffset = next;
        openProblem = null;
        return fileSize - position;
    }

    /** Cuts the log back to {@code position} (a batch boundary) whose next offset is {@code next}. */
    void truncateTo(int position, long next) throws IOException {
        channel.truncate(position);
        offsetIndex.truncateToPosition(position);
        timeIndex.truncateToOffset(next);
        size = position;
        nextOffset = next;
    }

    // ---- life cycle ----

    void close() throws IOException {
        offsetIndex.close();
        timeIndex.close();
        channel.close();
    }

    /**
     * Renames the files to {@code *.deleted} so a restart no longer sees the segment, while readers that
     * still hold it can finish; {@link #deleteFiles} removes them later.
     */
    void markDeleted() throws IOException {
        for (String suffix : List.of(LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX)) {
            Path file = file(dir, baseOffset, suffix);
            if (Files.exists(file)) {
                Files.move(file, file.resolveSibling(file.getFileName() + DELETED_SUFFIX));
            }
        }
    }

    void deleteFiles() throws IOException {
        close();
        for (String suffix : List.of(LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX)) {
            Path file = file(dir, baseOffset, suffix);
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + DELETED_SUFFIX));
        }
    }

    @Override
    public String toString() {
        return file(dir, baseOffset, LOG_SUFFIX).toString();
    }
}
