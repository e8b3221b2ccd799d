package dev.minikafka.broker.log;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.minikafka.broker.crash.CrashPoint;
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
 * incomplete or fails its CRC, and rebuilds both indexes. {@link #recoverFrom} does the same for the bytes
 * after a recovery point only: {@link #flush} reports the size it covered, and what lies below it (with the
 * index entries pointing there, written before those bytes were published) was on disk before the crash.
 */
final class Segment {

    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String DELETED_SUFFIX = ".deleted";
    /** Header bytes a reader needs to step over a batch and know its offsets and timestamps. */
    private static final int SCAN_HEADER = BatchLayout.PRODUCER_ID_OFFSET;
    private static final Logger logger = LoggerFactory.getLogger(Segment.class);

    private final Path dir;
    private final long baseOffset;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final long createdMs;

    /**
     * The size in bytes (low 32 bits) and the next offset relative to the base (high 32 bits, unsigned), in
     * one field so a flusher reads a pair that belongs together. The writer publishes it after the bytes.
     */
    private volatile long published;
    /** Bytes a completed {@link #flush} covered; 0 until the first flush after opening. */
    private volatile int flushedSize;
    private volatile long maxTimestamp = -1;
    private int bytesSinceIndexEntry;
    /** Set when the offset index failed its check on open; cleared by {@link #recover}. */
    private String openProblem;
    /** An index entry was found not to point at a batch; warned once per segment. */
    private volatile boolean warnedGarbledEntry;

    private Segment(Path dir, long baseOffset, long createdMs) throws IOException {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.createdMs = createdMs;
        this.channel = LogFiles.open(file(dir, baseOffset, LOG_SUFFIX));
        this.offsetIndex = new OffsetIndex(file(dir, baseOffset, INDEX_SUFFIX), baseOffset);
        this.timeIndex = new TimeIndex(file(dir, baseOffset, TIME_INDEX_SUFFIX), baseOffset);
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
        Segment segment = openUnscanned(dir, baseOffset, nowMs);
        if (segment.openProblem == null) {
            segment.trust();
        }
        return segment;
    }

    /**
     * An existing segment with its indexes loaded and checked, but its end not yet known: follow with
     * {@link #trust}, {@link #recover} or {@link #recoverFrom} before anything else.
     */
    static Segment openUnscanned(Path dir, long baseOffset, long nowMs) throws IOException {
        Segment segment = new Segment(dir, baseOffset, nowMs);
        // A garbled index must not steer the header scan off the file; recovery rebuilds it instead.
        segment.openProblem = segment.offsetIndex.sanityCheck(segment.fileLimit());
        if (segment.openProblem == null) {
            segment.openProblem = segment.lastIndexEntryProblem();
        }
        return segment;
    }

    /**
     * Null when the last offset-index entry points at the start of the batch it names. A power cut can tear
     * the index file's last page while leaving the entries increasing and inside the log (a zeroed low
     * byte turns position 7528 into 7424; the power-loss simulation found it), and lookups would then
     * start in the middle of a batch. Only the tail of a file can be torn, so checking the last entry
     * costs one header read per segment.
     */
    private String lastIndexEntryProblem() throws IOException {
        int entries = offsetIndex.entries();
        if (entries == 0) {
            return null;
        }
        long offset = offsetIndex.lastEntryOffset();
        int position = offsetIndex.lookup(offset);
        if ((long) position + BatchLayout.HEADER_SIZE > fileLimit()) {
            return "the last entry points past the log";
        }
        ByteBuffer header = ByteBuffer.allocate(BatchLayout.LOG_OVERHEAD);
        readHeader(header, position);
        if (RecordBatch.baseOffset(header, 0) != offset) {
            return "the last entry (" + offset + " -> " + position + ") does not point at the batch it names";
        }
        return null;
    }

    /** Takes the whole file as written (clean shutdown, or below the recovery point): reads batch headers only. */
    void trust() throws IOException {
        scanTailHeaders(fileLimit());
    }

    private int fileLimit() throws IOException {
        return (int) Math.min(channel.size(), LogConfig.MAX_SEGMENT_BYTES);
    }

    static Path file(Path dir, long baseOffset, String suffix) {
        return dir.resolve(String.format("%020d", baseOffset) + suffix);
    }

    long baseOffset() {
        return baseOffset;
    }

    /** Bytes of whole batches readers may see. */
    int size() {
        return (int) published;
    }

    /** The offset the next record appended here will get. */
    long nextOffset() {
        return baseOffset + (published >>> 32);
    }

    /** The end of this segment as one consistent (offset, position) pair; see {@link RecoveryPoint}. */
    RecoveryPoint end() {
        long end = published;
        return new RecoveryPoint(baseOffset + (end >>> 32), baseOffset, (int) end);
    }

    /** Bytes known to be on disk: what the last completed {@link #flush} covered. */
    int flushedSize() {
        return flushedSize;
    }

    private void publish(int size, long nextOffset) {
        published = (nextOffset - baseOffset) << 32 | (size & 0xFFFFFFFFL);
    }

    /** The largest record timestamp in this segment, -1 while empty. */
    long maxTimestamp() {
        return maxTimestamp;
    }

    long createdMs() {
        return createdMs;
    }

    boolean isEmpty() {
        return size() == 0;
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
        int start = size();
        try {
            channel.position(start);
            long remaining = bytes;
            while (remaining > 0) {
                remaining -= channel.write(buffers, 0, count);
            }
            offsetIndex.writeNewEntries();
            timeIndex.writeNewEntries();
        } catch (IOException e) {
            truncateTo(start, nextOffset());
            throw e;
        }
        publish(start + bytes, newNextOffset);
    }

    /**
     * fsyncs the log and its indexes, then records what that covered in {@link #flushedSize}. Safe from a
     * flusher thread while the writer appends; callers serialize flushes (the partition's flush lock).
     */
    void flush() throws IOException {
        flushIndexesToo();
    }

    /**
     * fsyncs the log bytes only, for a {@code DURABLE} ack: the indexes past the recovery point are rebuilt
     * from the log after a crash, so they need not be on disk for the ack to be safe. Does not count towards
     * {@link #flushedSize}, which promises indexes too.
     */
    void flushData() throws IOException {
        Fsync.force(channel, file(dir, baseOffset, LOG_SUFFIX), false);
    }

    private void flushIndexesToo() throws IOException {
        // Read before force: bytes published by now were written by now, so force covers them; bytes
        // published later may or may not be on disk and must not be counted.
        int covered = size();
        Fsync.force(channel, file(dir, baseOffset, LOG_SUFFIX), false);
        offsetIndex.flush();
        timeIndex.flush();
        flushedSize = Math.max(flushedSize, covered);
    }

    // ---- reading (any thread) ----

    /**
     * Whole batches from the one holding {@code offset}, about {@code maxBytes} of them but always at
     * least one; empty when no batch here reaches {@code offset}.
     */
    ByteBuffer read(long offset, int maxBytes) throws IOException {
        int end = size();
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

    /** Receives one batch header at {@code pos} in {@code window}: the header fields only, no records. */
    interface HeaderVisitor {
        void visit(ByteBuffer window, int pos);
    }

    /**
     * Calls {@code visitor} with the header of every batch whose last offset is at least {@code fromOffset},
     * in order; returns how many. Reads the file through a window of {@code windowBytes} (at least a header)
     * instead of whole batches, so a log of large batches costs one small read per batch.
     */
    long forEachBatchHeader(long fromOffset, int windowBytes, HeaderVisitor visitor) throws IOException {
        int end = size();
        int position = findBatch(fromOffset, offsetIndex.lookup(fromOffset), end);
        if (position < 0) {
            return 0;
        }
        ByteBuffer window = ByteBuffer.allocate(Math.max(windowBytes, BatchLayout.HEADER_SIZE));
        long count = 0;
        int windowStart = -1; // file position of window[0]; -1 before the first read
        while (position + BatchLayout.HEADER_SIZE <= end) {
            if (windowStart < 0 || position + BatchLayout.HEADER_SIZE > windowStart + window.limit()) {
                window.clear();
                window.limit((int) Math.min(window.capacity(), end - position));
                readFully(window, position);
                window.flip();
                windowStart = position;
            }
            int pos = position - windowStart;
            visitor.visit(window, pos);
            count++;
            position += RecordBatch.sizeInBytes(window, pos);
        }
        return count;
    }

    /** The first offset at or after {@code timestamp} in this segment, or -1 when there is none here. */
    long offsetForTimestamp(long timestamp) throws IOException {
        if (maxTimestamp < timestamp) {
            return -1;
        }
        int end = size();
        long from = timeIndex.lookup(timestamp);
        int indexed = offsetIndex.lookup(from);
        int position = indexed;
        ByteBuffer header = ByteBuffer.allocate(SCAN_HEADER);
        while (position < end) {
            readHeader(header, position);
            if (position == indexed && indexed > 0 && !batchStartsAt(header, from, indexed)) {
                position = 0;
                continue;
            }
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
            if (position == from && from > 0 && !batchStartsAt(header, offset, from)) {
                position = 0;
                continue;
            }
            if (RecordBatch.lastOffset(header, 0) >= offset) {
                return position;
            }
            position += RecordBatch.sizeInBytes(header, 0);
        }
        return -1;
    }

    /**
     * Whether {@code header}, read where the offset index sent a lookup for {@code offset}, is a batch of this
     * segment at or below that offset. Opening checks the index's order and its last entry (a power cut tears
     * only a file's tail); an entry garbled further in (bit rot) would start a read in the middle of a batch.
     * Then the read starts from the segment's first batch instead: slower, still right. Costs no extra read.
     */
    private boolean batchStartsAt(ByteBuffer header, long offset, int position) {
        long base = RecordBatch.baseOffset(header, 0);
        if (header.get(BatchLayout.MAGIC_OFFSET) == BatchLayout.MAGIC_V1 && base >= baseOffset && base <= offset) {
            return true;
        }
        if (!warnedGarbledEntry) {
            warnedGarbledEntry = true;
            logger.warn("The offset index of {} points at position {}, where no batch starts; such reads start"
                    + " from the segment's first batch", file(dir, baseOffset, INDEX_SUFFIX), position);
        }
        return false;
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

    /**
     * Finds next offset and max timestamp of the bytes below {@code limit} by scanning batch headers after
     * the last index entries, and publishes the end it reached.
     */
    private void scanTailHeaders(int limit) throws IOException {
        long timeFrom = timeIndex.entries() == 0 ? baseOffset : timeIndex.lookup(Long.MAX_VALUE);
        int position = offsetIndex.lookup(timeFrom);
        long max = -1;
        long next = baseOffset;
        int lastIndexed = offsetIndex.lookup(Long.MAX_VALUE);
        int end = limit;
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
        publish(position, next);
        maxTimestamp = timeIndex.entries() == 0 ? max : Math.max(max, timeIndex.slots()[(timeIndex.entries() - 1) * 2]);
    }

    /**
     * Rescans the whole file after a crash: checks every batch (length, magic, CRC, record framing, offsets
     * continuing from the previous batch), truncates at the first that fails, rebuilds both indexes.
     *
     * @return bytes cut off the end of the file
     */
    long recover(int indexIntervalBytes) throws IOException {
        offsetIndex.truncateToEntries(0);
        timeIndex.truncateToEntries(0);
        publish(0, baseOffset);
        maxTimestamp = -1;
        bytesSinceIndexEntry = 0;
        return checkFrom(0, baseOffset, indexIntervalBytes);
    }

    /**
     * Recovery from a recovery point ({@code position}, {@code offset}) in this segment: the bytes below it
     * and the index entries pointing there were fsynced before the crash and are taken as they are (headers
     * only, as after a clean shutdown); from {@code position} on every batch is checked as in
     * {@link #recover}.
     *
     * @return bytes cut off the end of the file, or -1 (nothing changed on disk but the index tails) when
     *         the batches below {@code position} do not end exactly there at {@code offset}: the recovery
     *         point does not describe this file, and the caller should {@link #recover} it whole
     */
    long recoverFrom(int position, long offset, int indexIntervalBytes) throws IOException {
        if (position < 0 || position > fileLimit() || offset < baseOffset) {
            return -1;
        }
        offsetIndex.truncateToPosition(position);
        timeIndex.truncateToOffset(offset);
        scanTailHeaders(position);
        if (size() != position || nextOffset() != offset) {
            return -1;
        }
        return checkFrom(position, offset, indexIntervalBytes);
    }

    /**
     * Checks the batches from {@code from} (where {@code next} is the expected base offset) to the end of the
     * file, indexing them, and truncates at the first that fails.
     */
    private long checkFrom(int from, long next, int indexIntervalBytes) throws IOException {
        long fileSize = channel.size();
        int end = (int) Math.min(fileSize, LogConfig.MAX_SEGMENT_BYTES);
        int position = from;
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
        publish(position, next);
        openProblem = null;
        return fileSize - position;
    }

    /** Cuts the log back to {@code position} (a batch boundary) whose next offset is {@code next}. */
    void truncateTo(int position, long next) throws IOException {
        channel.truncate(position);
        offsetIndex.truncateToPosition(position);
        timeIndex.truncateToOffset(next);
        publish(position, next);
        flushedSize = Math.min(flushedSize, position);
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
                if (suffix.equals(LOG_SUFFIX)) {
                    CrashPoint.RETENTION_DELETE.reach();
                }
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
