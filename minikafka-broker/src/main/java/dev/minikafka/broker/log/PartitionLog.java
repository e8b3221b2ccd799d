package dev.minikafka.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;

import dev.minikafka.broker.crash.CrashPoint;

/**
 * One partition's log: its segments in offset order, the last of them active. Offsets
 * {@code [logStartOffset, logEndOffset)} are readable; the log start moves forward when retention deletes
 * the oldest segments, the log end when the {@link PartitionWriter} appends.
 *
 * <p>Thread-safety: appends, rolls and truncation come from the partition's single writer (a roll retention
 * needs too, see {@link #activeSegmentExpired}); retention from the retention thread, and only ever removes
 * closed segments at the head; reads from any thread, without
 * locks. A reader holding a segment that retention removes can finish: the files are deleted later.
 *
 * <p>Crash story: {@link #flush} advances the {@link #recoveryPoint}, the point below which the log is known
 * to be on disk; {@link LogManager} checkpoints it, and after a crash {@link LogRecovery} checks only what
 * lies past it.
 */
public final class PartitionLog {

    private final String name;
    private final Path dir;
    private final ConcurrentNavigableMap<Long, Segment> segments;
    /** Segments written to since their last fsync; in offset order, so flushes force the oldest first. */
    private final Set<Segment> unflushed = new ConcurrentSkipListSet<>(Comparator.comparingLong(Segment::baseOffset));
    private final Object flushLock = new Object();
    private volatile Segment active;
    private volatile LogConfig config;
    /** Everything below it was covered by a completed fsync (or trusted by recovery); only moves forward. */
    private volatile RecoveryPoint recoveryPoint;
    /**
     * The first failed fsync, after which this log takes no more writes and attempts no more fsyncs until the
     * broker restarts. Linux reports a writeback error once and may then mark the pages clean, so a retried
     * fsync can succeed without the bytes being on disk ("fsyncgate"); PostgreSQL panics and Kafka takes the
     * log directory offline for the same reason. Null while the log is healthy.
     */
    private volatile IOException fsyncFailure;

    PartitionLog(String name, Path dir, List<Segment> opened, LogConfig config, RecoveryPoint recoveryPoint) {
        this(name, dir, opened, config, recoveryPoint, new ConcurrentSkipListMap<>());
    }

    /** Keeps the segments in {@code segments}, an empty map: a test's can run retention inside a read's look-up. */
    PartitionLog(String name, Path dir, List<Segment> opened, LogConfig config, RecoveryPoint recoveryPoint,
            ConcurrentNavigableMap<Long, Segment> segments) {
        if (opened.isEmpty()) {
            throw new IllegalArgumentException("a log has at least one segment");
        }
        this.name = name;
        this.dir = dir;
        this.segments = segments;
        this.config = config;
        for (Segment segment : opened) {
            segments.put(segment.baseOffset(), segment);
        }
        this.active = segments.lastEntry().getValue();
        this.recoveryPoint = recoveryPoint;
    }

    /** {@code topic-partition}, as the directory is named. */
    public String name() {
        return name;
    }

    /** The partition's directory. */
    Path dir() {
        return dir;
    }

    public LogConfig config() {
        return config;
    }

    void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    public long logStartOffset() {
        return segments.firstKey();
    }

    /** The offset the next appended record will get. */
    public long logEndOffset() {
        return active.nextOffset();
    }

    public long sizeInBytes() {
        long total = 0;
        for (Segment segment : segments.values()) {
            total += segment.size();
        }
        return total;
    }

    public int segmentCount() {
        return segments.size();
    }

    /**
     * Whole batches starting with the one that holds {@code offset}, about {@code maxBytes} of them but at
     * least one; empty at the log end.
     *
     * @throws OffsetOutOfRangeException when {@code offset} is below the log start or above the log end
     */
    public ReadResult read(long offset, int maxBytes) throws IOException {
        long end = logEndOffset();
        if (offset > end) {
            throw outOfRange(offset);
        }
        if (offset == end) {
            return ReadResult.EMPTY;
        }
        // The look-up is the check against the log start (its first key): a check before it could pass for a
        // segment retention removes before the look-up, and the read would answer empty instead of out of range.
        // A segment found here and removed since stays readable (see the class comment).
        Map.Entry<Long, Segment> entry = segments.floorEntry(offset);
        if (entry == null) {
            throw outOfRange(offset);
        }
        while (entry != null) {
            ByteBuffer batches = entry.getValue().read(offset, maxBytes);
            if (batches.hasRemaining()) {
                return new ReadResult(batches);
            }
            entry = segments.higherEntry(entry.getKey());
        }
        return ReadResult.EMPTY;
    }

    private OffsetOutOfRangeException outOfRange(long offset) {
        long start = logStartOffset(); // read before the end, so the range named is never inverted
        return new OffsetOutOfRangeException(name, offset, start, logEndOffset());
    }

    /**
     * The first offset whose record timestamp is at or after {@code timestamp}; the log end offset when
     * every record is older.
     */
    public long offsetForTimestamp(long timestamp) throws IOException {
        for (Segment segment : segments.values()) {
            long offset = segment.offsetForTimestamp(timestamp);
            if (offset >= 0) {
                return Math.max(offset, logStartOffset());
            }
        }
        return logEndOffset();
    }

    /** The segments in offset order (a snapshot). */
    List<Segment> segments() {
        return List.copyOf(segments.values());
    }

    // ---- writer side ----

    Segment active() {
        return active;
    }

    boolean shouldRoll(int incomingBytes, long nowMs) {
        Segment current = active;
        LogConfig cfg = config;
        return !current.isEmpty()
                && ((long) current.size() + incomingBytes > cfg.segmentBytes() || nowMs - current.createdMs() >= cfg.segmentMs());
    }

    /** Starts a new active segment at the log end; the old one stays unflushed until the next flush. */
    void roll(long nowMs) throws IOException {
        Segment next = Segment.create(dir, logEndOffset(), nowMs);
        CrashPoint.SEGMENT_ROLL.reach();
        fsyncDirectory(dir);
        segments.put(next.baseOffset(), next);
        active = next;
    }

    void markUnflushed(Segment segment) {
        unflushed.add(segment);
    }

    /**
     * fsyncs the log bytes written so far, without the indexes and without moving the recovery point: what
     * a {@code DURABLE} ack needs, at one fsync instead of three. After a crash, recovery checks everything
     * past the recovery point against the log itself and rebuilds the indexes there, so acknowledged
     * records survive while their index entries need not. Any thread; serialized with {@link #flush}.
     */
    public void flushData() throws IOException {
        synchronized (flushLock) {
            throwIfFsyncFailed();
            CrashPoint.GROUP_COMMIT_FSYNC.reach();
            try {
                // Segments stay in the set: the next full flush still owes their indexes an fsync.
                for (Segment segment : unflushed) {
                    segment.flushData();
                }
            } catch (IOException e) {
                throw fsyncFailed(e);
            }
        }
    }

    /** The failure that took this log offline for writes, or null while it is healthy. */
    public IOException fsyncFailure() {
        return fsyncFailure;
    }

    /** Throws (a fresh exception, so each caller's stack shows) once an fsync of this log has failed. */
    void throwIfFsyncFailed() throws IOException {
        IOException failure = fsyncFailure;
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
    }

    /** Records the first failed fsync; every later write and flush of this log fails with its message. */
    private IOException fsyncFailed(IOException cause) {
        if (fsyncFailure == null) {
            fsyncFailure = new IOException("partition " + name + " takes no writes until the broker restarts: an fsync "
                    + "failed (" + cause.getMessage() + "), so bytes written since its last good fsync may not be on disk "
                    + "(a restart recovers it from its last recovery point, " + recoveryPoint + ")", cause);
        }
        return new IOException(fsyncFailure.getMessage(), cause);
    }

    /** The point below which this log is known to be on disk (see {@link RecoveryPoint}). */
    RecoveryPoint recoveryPoint() {
        return recoveryPoint;
    }

    /**
     * fsyncs every segment written since its last flush, and moves the {@link #recoveryPoint} to the end of
     * the log as it was when the flush began. Any thread.
     */
    public void flush() throws IOException {
        // One flush at a time: a second flusher (group commit beside the interval flush) must not find the
        // set empty and return while the first is still inside force(), or a DURABLE ack would come early.
        synchronized (flushLock) {
            throwIfFsyncFailed();
            try {
                flushSegments();
            } catch (IOException e) {
                throw fsyncFailed(e);
            }
        }
    }

    private void flushSegments() throws IOException {
        // Taken before any force: it names only bytes written by now, which the forces below cover.
        Segment head = active;
        RecoveryPoint end = head.end();
        for (Segment segment : unflushed) {
            unflushed.remove(segment); // before force: a write after this re-adds it
            segment.flush();
        }
        // The writer marks a segment unflushed only after writing to it, so the set can miss bytes that
        // `end` already covers; force whatever between the old point and `end` no flush has covered yet.
        RecoveryPoint from = recoveryPoint;
        long fromBase = Math.min(from.segmentBase(), head.baseOffset());
        for (Segment segment : segments.subMap(fromBase, true, head.baseOffset(), true).values()) {
            int needed = segment == head ? end.position() : segment.size();
            if (segment.flushedSize() < needed) {
                segment.flush();
            }
        }
        if (!end.equals(from)) {
            recoveryPoint = end; // published only now that every force above has returned
        }
    }

    // ---- retention ----

    /**
     * Removes the closed segments at the head that retention says to delete: all of whose records are older
     * than {@code retention.ms}, and the oldest while the log is larger than {@code retention.bytes}.
     * The caller deletes their files after a grace period.
     */
    List<Segment> removeExpiredSegments(long nowMs) throws IOException {
        LogConfig cfg = config;
        List<Segment> removed = new ArrayList<>();
        long excess = cfg.retentionBytes() < 0 ? Long.MIN_VALUE : sizeInBytes() - cfg.retentionBytes();
        for (Segment segment : segments.values()) {
            if (segment == active || segment == segments.lastEntry().getValue()) {
                break;
            }
            boolean expired = expired(segment, cfg, nowMs);
            boolean oversized = excess != Long.MIN_VALUE && excess - segment.size() >= 0;
            if (!expired && !oversized) {
                break;
            }
            if (excess != Long.MIN_VALUE) {
                excess -= segment.size(); // an expired segment shrinks the log too
            }
            segments.remove(segment.baseOffset());
            unflushed.remove(segment);
            segment.markDeleted();
            removed.add(segment);
        }
        return removed;
    }

    /**
     * True when time-based retention has reached the active segment: every segment before it is gone, it holds
     * records, and its newest is older than {@code retention.ms}. Only the writer may roll it (see
     * {@link PartitionWriter#rollForRetention}); once rolled it is a closed segment that
     * {@link #removeExpiredSegments} deletes, so an idle partition does not keep expired records until an append
     * rolls it. Size retention never leads here (Kafka keeps the active segment too for any positive
     * {@code retention.bytes}).
     */
    boolean activeSegmentExpired(long nowMs) {
        Segment current = active;
        return segments.firstEntry().getValue() == current && !current.isEmpty() && expired(current, config, nowMs);
    }

    private static boolean expired(Segment segment, LogConfig cfg, long nowMs) {
        return cfg.retentionMs() >= 0 && segment.maxTimestamp() >= 0 && nowMs - segment.maxTimestamp() > cfg.retentionMs();
    }

    /** Flushes and closes the segments; they are closed even when the flush fails. */
    void close() throws IOException {
        try {
            flush();
        } finally {
            for (Segment segment : segments.values()) {
                segment.close();
            }
        }
    }

    static void fsyncDirectory(Path dir) throws IOException {
        Fsync.directory(dir);
    }

    @Override
    public String toString() {
        return name;
    }
}
