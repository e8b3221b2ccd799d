package dev.minikafka.broker.log;

import java.io.IOException;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.minikafka.protocol.RecordBatch;

/**
 * Rebuilds a partition's {@link ProducerStateTable} when its log opens: the last snapshot, then the batch
 * headers of the log from the snapshot's offset to the log end.
 *
 * <p>The bound: snapshots are taken at every segment roll and at clean shutdown, so after a clean shutdown
 * nothing is read, and after a crash at most the active segment ({@code segment.bytes}). Without a usable
 * snapshot (none yet, unreadable, or past the log end because the crash cut an unflushed tail) the last
 * {@value #SEGMENTS_WITHOUT_SNAPSHOT} segments are read; producers seen only before them are unknown, and an
 * unknown producer's next batch is accepted whatever its sequence (as after expiry, and as in Kafka).
 *
 * <p>Expiry counts from broker time. The live writer records each append at the broker's clock, not at the
 * batch's timestamp, which is the producer's and may be days old (a backfill). The log does not keep that
 * append time, so a replayed batch counts as appended at load time: a restart may remember a producer up to
 * one expiration longer than the broker before it would have, never shorter, so a retry of a batch that was
 * written and acknowledged is still recognised. (Kafka expires by the batch's max timestamp both live and on
 * replay, so it forgets a backfilling producer at its next check; the snapshot already holds broker times.)
 */
final class ProducerStateLoader {

    /** Two, not one: a crash just after a roll leaves the active segment almost empty. */
    static final int SEGMENTS_WITHOUT_SNAPSHOT = 2;
    /** Enough for the headers of many small batches at once, and one header of a large batch. */
    private static final int HEADER_WINDOW_BYTES = 8 * 1024;
    private static final Logger log = LoggerFactory.getLogger(ProducerStateLoader.class);

    private ProducerStateLoader() {
    }

    static ProducerStateTable load(PartitionLog partition, ProducerStateConfig config, long nowMs) throws IOException {
        ProducerStateTable table = new ProducerStateTable(config);
        long start = partition.logStartOffset();
        long end = partition.logEndOffset();
        long from = -1;
        ProducerStateSnapshot.Loaded snapshot = null;
        try {
            snapshot = ProducerStateSnapshot.read(partition.dir());
        } catch (IOException e) {
            log.warn("Ignoring the unreadable producer-state snapshot of {}: {}", partition.name(), e.getMessage());
        }
        if (snapshot != null && snapshot.offset() >= start && snapshot.offset() <= end) {
            snapshot.producers().forEach(table::restore);
            from = snapshot.offset();
        } else {
            if (snapshot != null) {
                log.info("Ignoring the producer-state snapshot of {} at offset {}: the log holds [{}, {})",
                        partition.name(), snapshot.offset(), start, end);
            }
            List<Segment> segments = partition.segments();
            from = segments.get(Math.max(0, segments.size() - SEGMENTS_WITHOUT_SNAPSHOT)).baseOffset();
        }
        long batches = replay(partition, table, from, end, nowMs);
        table.expire(nowMs);
        if (batches > 0) {
            log.info("Rebuilt the producer state of {} from offset {}: {} batches read, {} producers", partition.name(),
                    from, batches, table.producerCount());
        }
        return table;
    }

    /**
     * Applies every batch in {@code [from, end)} to the table; returns how many were read. Only the batch
     * headers are read: the table needs nothing from the records, and after a crash this may be a whole
     * active segment (256 MB by default) per partition. Each batch counts as appended at {@code nowMs} (see above).
     */
    private static long replay(PartitionLog partition, ProducerStateTable table, long from, long end, long nowMs)
            throws IOException {
        long count = 0;
        List<Segment> segments = partition.segments();
        for (int i = 0; i < segments.size(); i++) {
            boolean before = i + 1 < segments.size() && segments.get(i + 1).baseOffset() <= from;
            if (before || segments.get(i).baseOffset() >= end) {
                continue;
            }
            count += segments.get(i).forEachBatchHeader(from, HEADER_WINDOW_BYTES, (window, pos) -> {
                if (RecordBatch.baseOffset(window, pos) < end) {
                    table.appended(window, pos, nowMs);
                }
            });
        }
        return count;
    }
}
