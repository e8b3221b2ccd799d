package dev.minikafka.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.minikafka.protocol.RecordBatch;

/**
 * The single writer of one partition log. Producers {@link #offer} checked batches into a queue bounded in
 * bytes; a task on the shared writer pool drains whatever has gathered, assigns offsets, and appends it all
 * to the active segment in one gathering {@code FileChannel} write. A request the writer may change takes
 * each batch's base offset in place; one it may not (a read-only view of the bytes gRPC received, which saves
 * copying every produced byte on the heap) is written as each batch's new base offset followed by the rest of
 * the batch, and copied only when log-append time must be stamped into it (see {@link GatherBuffers}). Then
 * it acknowledges: at once for {@code LEADER} (the bytes are in the page cache), after the next shared fsync
 * for {@code DURABLE} (see {@link GroupCommit}).
 *
 * <p>Backpressure: {@code offer} returns {@code false} instead of queueing past the byte bound (an empty
 * queue below its bound takes a whole request, however large); the caller waits for {@link #whenRoom}. Nothing here
 * blocks a gRPC thread. A {@code DURABLE} append's bytes count against the bound until its fsync completes, not
 * only until it is written: its request stays on the heap until it is acknowledged, so during an fsync stall the
 * bound stops the producers instead of letting the heap grow at their send rate.
 *
 * <p>Idempotent producers: before offsets are assigned, each request is checked against the partition's
 * {@link ProducerStateTable} by this single writer, so two retries of one batch can never both pass.
 * Leading duplicates are answered with their original offsets and not written; a request with a sequence
 * gap or a stale epoch fails whole, nothing written. The table is snapshotted at every segment roll (see
 * {@link ProducerStateSnapshot}) and forgets producers idle past their expiration.
 *
 * <p>Thread-safety: {@code offer} and {@code whenRoom} from any thread; at most one drain task runs per
 * partition at a time (the {@code scheduled} flag), so the log has one writer.
 */
public final class PartitionWriter implements Runnable {

    /** Bytes one drain writes before yielding the pool thread to other partitions. */
    private static final int MAX_DRAIN_BYTES = 4 * 1024 * 1024;
    private static final int MAX_DRAIN_APPENDS = 512;
    /** How often idle producers are looked for; their expiration is much longer. */
    private static final long PRODUCER_EXPIRY_CHECK_MS = 60_000;
    private static final Logger logger = LoggerFactory.getLogger(PartitionWriter.class);

    private final PartitionLog log;
    private final Executor writerPool;
    private final GroupCommit groupCommit;
    private final LongSupplier clock;
    private final long maxPendingBytes;
    private final ConcurrentLinkedQueue<PendingAppend> queue = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Runnable> roomWaiters = new ConcurrentLinkedQueue<>();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicLong pendingAppends = new AtomicLong();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** What to run after a roll retention asked for (see {@link #rollForRetention}); taken by the next drain. */
    private final AtomicReference<Runnable> retentionRoll = new AtomicReference<>();
    private volatile Runnable appendListener = () -> { };
    private volatile boolean closed;

    // Drain state, touched only by the running drain task.
    private final PendingAppend[] drained = new PendingAppend[MAX_DRAIN_APPENDS];
    private final GatherBuffers gather = new GatherBuffers();
    private final ProducerStateTable producers;
    private long lastProducerExpiryMs;

    PartitionWriter(PartitionLog log, Executor writerPool, Executor flushPool, LongSupplier clock, long maxPendingBytes) {
        this(log, writerPool, flushPool, clock, maxPendingBytes, new ProducerStateTable(ProducerStateConfig.defaults()));
    }

    PartitionWriter(PartitionLog log, Executor writerPool, Executor flushPool, LongSupplier clock, long maxPendingBytes,
            ProducerStateTable producers) {
        this.producers = producers;
        this.log = log;
        this.writerPool = writerPool;
        this.groupCommit = new GroupCommit(log, flushPool, this::releaseFsynced);
        this.clock = clock;
        this.maxPendingBytes = maxPendingBytes;
    }

    public PartitionLog log() {
        return log;
    }

    /** Called on the writer thread after every append becomes readable (to wake long-polling fetches). */
    public void setAppendListener(Runnable listener) {
        this.appendListener = listener;
    }

    /** Bytes queued and not yet written, and bytes of {@code DURABLE} appends written but not yet fsynced. */
    public long pendingBytes() {
        return pendingBytes.get();
    }

    /** True while the queue is below its bound, so an {@link #offer} now would be taken. */
    public boolean hasRoom() {
        return pendingBytes.get() < maxPendingBytes;
    }

    /** Appends (produce requests) queued and not yet written. */
    public long pendingAppends() {
        return pendingAppends.get();
    }

    /**
     * Queues checked batches for append. The buffer becomes the log's: its base offsets are overwritten.
     *
     * @return false when the queue is full; nothing was queued, and {@link #whenRoom} says when to retry
     */
    public boolean offer(ByteBuffer batches, boolean durable, AppendCallback callback) {
        if (closed) {
            callback.onAppended(-1, -1, new IllegalStateException("the broker is shutting down; partition " + log.name()
                    + " takes no more appends"));
            return true;
        }
        int bytes = batches.remaining();
        // A soft bound: a request is taken while the queue is below it, so one large request always fits
        // and a waiting producer retried by whenRoom cannot be refused forever.
        if (!hasRoom()) {
            return false;
        }
        pendingBytes.addAndGet(bytes);
        pendingAppends.incrementAndGet();
        queue.add(new PendingAppend(batches, durable, callback));
        schedule();
        return true;
    }

    /** Runs {@code retry} once the queue has room again (at once if it has room now). */
    public void whenRoom(Runnable retry) {
        roomWaiters.add(retry);
        if (hasRoom()) {
            wakeRoomWaiters();
        }
    }

    /**
     * Has the writer roll the active segment once time-based retention has expired it (see
     * {@link PartitionLog#activeSegmentExpired}), then run {@code then} on the writer thread, rolled or not (an
     * append since may have brought a newer record). The roll is the writer's because every change to the active
     * segment is. Requests made while one is pending share it; after {@link #close} none is taken.
     */
    void rollForRetention(Runnable then) {
        if (!closed && retentionRoll.compareAndSet(null, then)) {
            schedule();
        }
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            writerPool.execute(this);
        }
    }

    /** One drain: the writer pool's task for this partition. */
    @Override
    public void run() {
        try {
            drainOnce();
        } finally {
            scheduled.set(false);
            wakeRoomWaiters();
            if (!queue.isEmpty() || retentionRoll.get() != null) {
                schedule();
            }
        }
    }

    private void drainOnce() {
        Runnable afterRetentionRoll = retentionRoll.getAndSet(null);
        IOException offline = log.fsyncFailure();
        if (offline != null) {
            failQueued(offline);
            return;
        }
        int count = 0;
        int bytes = 0;
        int queuedBytes = 0;
        int durableBytes = 0; // released by the group commit once fsynced
        long now = clock.getAsLong();
        if (afterRetentionRoll != null) {
            rollExpiredActiveSegment(now);
            afterRetentionRoll.run();
        }
        if (now - lastProducerExpiryMs >= PRODUCER_EXPIRY_CHECK_MS) {
            producers.expire(now);
            lastProducerExpiryMs = now;
        }
        Segment segment = log.active();
        long nextOffset = segment.nextOffset();
        final long firstOffset = nextOffset;
        LogConfig config = log.config();
        PendingAppend append;
        while (count < MAX_DRAIN_APPENDS && bytes < MAX_DRAIN_BYTES && (append = queue.peek()) != null) {
            if (log.shouldRoll(bytes + append.bytes, now)) {
                if (count > 0) {
                    break; // write what is gathered into this segment; the next drain rolls
                }
                try {
                    roll(segment, now);
                } catch (IOException e) {
                    queue.poll();
                    pendingBytes.addAndGet(-append.bytes);
                    pendingAppends.decrementAndGet();
                    append.fail(diskFailure("roll to a new segment", e));
                    return;
                }
                segment = log.active();
            }
            queue.poll();
            try {
                producers.check(append, log.name());
            } catch (SequenceException e) {
                pendingBytes.addAndGet(-append.bytes);
                pendingAppends.decrementAndGet();
                append.fail(e);
                continue;
            }
            append.skipDuplicates();
            int position = segment.size() + bytes;
            nextOffset = assignOffsets(append, segment, position, nextOffset, now, config);
            drained[count] = append;
            count++;
            bytes += append.batches.remaining();
            queuedBytes += append.bytes;
            if (append.durable) {
                durableBytes += append.bytes;
            }
        }
        if (count == 0) {
            return;
        }
        IOException failure = null;
        try {
            segment.write(gather.array(), gather.count(), bytes, nextOffset);
            log.markUnflushed(segment);
        } catch (IOException e) {
            // Segment.write cut the file back to where it was: the partition stays readable and writable,
            // and the next drain (once the disk has room) appends at the same offsets.
            failure = diskFailure("append", e);
            producers.truncateFrom(firstOffset); // nothing of this drain is in the log
        }
        gather.clear();
        pendingBytes.addAndGet(-(failure == null ? queuedBytes - durableBytes : queuedBytes));
        pendingAppends.addAndGet(-count);
        if (failure == null) {
            appendListener.run();
        }
        for (int i = 0; i < count; i++) {
            PendingAppend done = drained[i];
            drained[i] = null;
            if (failure != null) {
                done.fail(failure);
            } else if (done.durable) {
                groupCommit.add(done);
            } else {
                done.succeed();
            }
        }
    }

    /** Closes {@code segment}, the active one: a new one starts at the log end, and the producer state is saved there. */
    private void roll(Segment segment, long now) throws IOException {
        log.markUnflushed(segment);
        log.roll(now);
        snapshotProducers(log.active().baseOffset());
    }

    private void rollExpiredActiveSegment(long now) {
        if (!log.activeSegmentExpired(now)) {
            return; // an append since retention looked brought a record within retention.ms
        }
        try {
            roll(log.active(), now);
        } catch (IOException e) {
            logger.warn("Could not roll the expired active segment of {} for retention (the next retention run tries "
                    + "again): {}", log.name(), e.toString());
        }
    }

    /**
     * After a failed fsync nothing more is written, not even an idempotent producer's duplicate answered with
     * its original offset: that offset's bytes are the ones whose fsync failed.
     */
    private void failQueued(IOException offline) {
        PendingAppend append;
        int failed = 0;
        while (failed < MAX_DRAIN_APPENDS && (append = queue.poll()) != null) {
            pendingBytes.addAndGet(-append.bytes);
            pendingAppends.decrementAndGet();
            append.fail(new IOException(offline.getMessage(), offline));
            failed++;
        }
    }

    /** The failure a producer sees: which partition, what the broker was doing, what the disk said. */
    private IOException diskFailure(String action, IOException cause) {
        return new IOException("could not " + action + " on disk for partition " + log.name() + " (nothing of this request"
                + " was written; retry once the disk has room): " + cause.getMessage(), cause);
    }

    /**
     * Gives the append's batches their base offsets (and log-append times), in place or in the gathered write,
     * indexes them, and records them in the producer state. Duplicates skipped at the head keep the offsets
     * the check found for them.
     */
    private long assignOffsets(PendingAppend append, Segment segment, int position, long nextOffset, long now,
            LogConfig config) {
        if (config.logAppendTime() && append.batches.isReadOnly()) {
            append.copyToWritable(); // the time and the CRC over it change too
        }
        ByteBuffer batches = append.batches;
        boolean inPlace = !batches.isReadOnly();
        if (inPlace) {
            gather.add(batches);
        }
        long[] batchOffsets = append.batchBaseOffsets;
        int batchIndex = append.duplicates;
        append.baseOffset = batchOffsets == null ? nextOffset : batchOffsets[0];
        append.appendTimeMs = now;
        int pos = batches.position();
        int limit = batches.limit();
        while (pos < limit) {
            int size = RecordBatch.sizeInBytes(batches, pos);
            int lastDelta = RecordBatch.lastOffsetDelta(batches, pos);
            if (inPlace) {
                RecordBatch.setBaseOffset(batches, pos, nextOffset);
                if (config.logAppendTime()) {
                    RecordBatch.setLogAppendTime(batches, pos, now);
                }
            } else {
                gather.addWithBaseOffset(batches, pos, size, nextOffset);
            }
            segment.indexBatch(nextOffset, RecordBatch.maxTimestamp(batches, pos), position + pos - batches.position(), size,
                    config.indexIntervalBytes());
            producers.appended(batches, pos, nextOffset, now);
            if (batchOffsets != null) {
                batchOffsets[batchIndex++] = nextOffset;
            }
            nextOffset += lastDelta + 1L;
            pos += size;
        }
        return nextOffset;
    }

    /**
     * Saves the producer state as of {@code offset} (the new segment's base: every batch below it is in the
     * table, none above). A failure only costs a longer scan at the next recovery.
     */
    private void snapshotProducers(long offset) {
        try {
            ProducerStateSnapshot.write(log.dir(), offset, producers);
        } catch (IOException e) {
            logger.warn("Could not snapshot the producer state of {} at offset {}: {}", log.name(), offset, e.toString());
        }
    }

    /** Saves the producer state at the log end; for a clean shutdown, once the writer is idle. */
    void snapshotProducersAtEnd() throws IOException {
        ProducerStateSnapshot.write(log.dir(), log.logEndOffset(), producers);
    }

    ProducerStateTable producers() {
        return producers;
    }

    /** The group commit's, once an fsync ended (done or failed) for {@code DURABLE} appends of this many bytes. */
    private void releaseFsynced(long bytes) {
        pendingBytes.addAndGet(-bytes);
        wakeRoomWaiters();
    }

    private void wakeRoomWaiters() {
        Runnable waiter;
        while (hasRoom() && (waiter = roomWaiters.poll()) != null) {
            waiter.run();
        }
    }

    /** Takes no more appends; what is queued is still written by the pool. */
    void close() {
        closed = true;
        Runnable waiter;
        while ((waiter = roomWaiters.poll()) != null) {
            waiter.run(); // they retry, see closed, and fail fast
        }
    }

    /** Fails everything still queued (the partition is being deleted). */
    void failPending(Throwable error) {
        PendingAppend append;
        while ((append = queue.poll()) != null) {
            pendingBytes.addAndGet(-append.bytes);
            pendingAppends.decrementAndGet();
            append.fail(error);
        }
    }

    boolean isIdle() {
        return queue.isEmpty() && !scheduled.get();
    }
}
