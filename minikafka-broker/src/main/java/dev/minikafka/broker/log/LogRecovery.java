package dev.minikafka.broker.log;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a partition directory after a clean shutdown or a crash.
 *
 * <ul>
 *   <li>Leftovers first: {@code *.deleted} files (retention that had not finished deleting) are removed,
 *       and indexes without a log file.</li>
 *   <li>After a clean shutdown (the broker's marker file was present) every segment is trusted; only an
 *       index that fails its sanity check is rebuilt.</li>
 *   <li>After a crash with a valid {@link RecoveryPoint} (from {@link RecoveryPointCheckpoint}) the segments
 *       before the point's segment are trusted as after a clean shutdown, and so are the bytes of its segment
 *       below the point: they were fsynced before the checkpoint named them. The rest of that segment and
 *       every later one are rescanned batch by batch (CRC, framing, offset continuity, also from one segment
 *       to the next) and cut at the first bad batch, their indexes rebuilt; any segment after a cut is
 *       deleted, since offsets must stay dense. Usually that is the few seconds written since the last
 *       checkpoint.</li>
 *   <li>Every segment recovery checked is fsynced (log and indexes) before the log takes appends, so the
 *       opened log is on disk whole and its recovery point is its end. After {@code kill -9} the checked
 *       bytes may exist only in the page cache, and a {@code DURABLE} ack given later (a new append, or an
 *       idempotent retry answered with its original offset) must not rest on them.</li>
 *   <li>After a crash without one (no checkpoint, an unreadable one, or a point that does not fit the files:
 *       its segment is gone, it lies past the end of the segment's file, or the batches do not end there)
 *       every segment is rescanned, as Kafka does from a recovery point of 0. Nothing less is safe after a
 *       power loss: segments roll without an fsync, so any number of them may have lost their tails since
 *       the last flush; and when retention deleted the point's segment, every segment left is younger than
 *       the point. (The power-loss simulation found both: trusting all but the last two segments left a
 *       gap in the offsets.) The scan is bounded by retention and needed only when the checkpoint is.</li>
 * </ul>
 */
final class LogRecovery {

    private static final Logger log = LoggerFactory.getLogger(LogRecovery.class);

    private LogRecovery() {
    }

    /** Opens without a recovery point: the whole tail is scanned after a crash. */
    static PartitionLog open(String name, Path dir, LogConfig config, boolean cleanShutdown, long nowMs) throws IOException {
        return open(name, dir, config, cleanShutdown, null, nowMs);
    }

    /**
     * @param recoveryPoint the partition's checkpointed recovery point, or null when there is none; ignored
     *                      after a clean shutdown
     */
    static PartitionLog open(String name, Path dir, LogConfig config, boolean cleanShutdown, RecoveryPoint recoveryPoint,
            long nowMs) throws IOException {
        Files.createDirectories(dir);
        TreeSet<Long> baseOffsets = new TreeSet<>();
        List<Path> orphans = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                if (fileName.endsWith(Segment.DELETED_SUFFIX)) {
                    orphans.add(file);
                } else if (fileName.endsWith(Segment.LOG_SUFFIX)) {
                    baseOffsets.add(Long.parseLong(fileName.substring(0, fileName.length() - Segment.LOG_SUFFIX.length())));
                }
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*{" + Segment.INDEX_SUFFIX + "," + Segment.TIME_INDEX_SUFFIX + "}")) {
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                long base = Long.parseLong(fileName.substring(0, fileName.indexOf('.')));
                if (!baseOffsets.contains(base)) {
                    orphans.add(file);
                }
            }
        }
        for (Path orphan : orphans) {
            Files.deleteIfExists(orphan);
        }
        if (baseOffsets.isEmpty()) {
            Segment first = Segment.create(dir, 0, nowMs);
            PartitionLog.fsyncDirectory(dir);
            return new PartitionLog(name, dir, List.of(first), config, RecoveryPoint.start(0));
        }
        RecoveryPoint point = cleanShutdown ? null : usable(recoveryPoint, baseOffsets, dir, name);
        // Where checking starts: nowhere after a clean shutdown; else the recovery point, else the first segment.
        RecoveryPoint scanFrom = cleanShutdown ? null
                : point != null ? point
                : RecoveryPoint.start(baseOffsets.first());
        List<Segment> segments = new ArrayList<>();
        try {
            recoverSegments(name, dir, config, baseOffsets, scanFrom, segments, nowMs);
        } catch (IOException | RuntimeException e) {
            for (Segment segment : segments) {
                try {
                    segment.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        // Every segment is now on disk: trusted ones were fsynced before (clean shutdown, recovery point), checked
        // ones by recoverSegments. So the whole log is below the recovery point.
        return new PartitionLog(name, dir, segments, config, segments.getLast().end());
    }

    /**
     * Opens the segments into {@code segments} (also on failure, so the caller can close them), cutting where
     * needed, and fsyncs every segment it checked.
     */
    private static void recoverSegments(String name, Path dir, LogConfig config, TreeSet<Long> baseOffsets,
            RecoveryPoint scanFrom, List<Segment> segments, long nowMs) throws IOException {
        for (long base : baseOffsets) {
            Segment segment = Segment.openUnscanned(dir, base, nowMs);
            segments.add(segment);
            String problem = segment.indexProblem();
            long cut;
            if (problem != null) {
                log.warn("Rebuilding the index of {}: {}", segment, problem);
                cut = segment.recover(config.indexIntervalBytes());
            } else if (scanFrom == null || base < scanFrom.segmentBase()) {
                segment.trust(); // on disk already: fsynced by the clean shutdown or before the checkpoint named it
                continue;
            } else if (base == scanFrom.segmentBase() && scanFrom.position() > 0) {
                cut = segment.recoverFrom(scanFrom.position(), scanFrom.offset(), config.indexIntervalBytes());
                if (cut < 0) {
                    log.warn("The recovery point {} of {} does not fit {}; rescanning the segment whole", scanFrom, name,
                            segment);
                    scanFrom = RecoveryPoint.start(base);
                    cut = segment.recover(config.indexIntervalBytes());
                }
            } else {
                cut = segment.recover(config.indexIntervalBytes());
            }
            // Fsynced before the log takes appends. After a kill -9 the checked bytes came from the page cache and
            // may never have reached the disk, yet the writer only fsyncs segments it writes to: a DURABLE ack
            // given later would rest on them unsynced. An idempotent producer's retry is answered with the
            // original offset, possibly in this older segment, after an fsync of the active segment only; and
            // any new append lies past them, so a power loss that tears them cuts the log (and deletes every
            // later segment) below that ack. A rebuilt index is fsynced too: a torn one would be trusted later.
            segment.flush();
            if (cut > 0) {
                log.warn("Truncated {} bytes of torn or corrupt data from {}; the log of {} now ends at offset {}",
                        cut, segment, name, segment.nextOffset());
                deleteFollowing(dir, baseOffsets.tailSet(base, false), nowMs, name);
                break;
            }
            // A tail lost exactly at a batch boundary (or a segment none of whose bytes reached the disk) leaves
            // only whole batches, so nothing was cut; but the next segment no longer starts where this one ends.
            Long following = baseOffsets.higher(base);
            if (following != null && following != segment.nextOffset()) {
                log.warn("{} ends at offset {} but the next segment of {} starts at {}: its tail was lost; the log now "
                        + "ends there", segment, segment.nextOffset(), name, following);
                deleteFollowing(dir, baseOffsets.tailSet(base, false), nowMs, name);
                break;
            }
        }
    }

    /** The checkpointed point when it fits the files on disk, else null (and a warning: we scan more). */
    private static RecoveryPoint usable(RecoveryPoint point, TreeSet<Long> baseOffsets, Path dir, String name)
            throws IOException {
        if (point == null) {
            log.info("No recovery point for {}; rescanning all its segments", name);
            return null;
        }
        String problem = null;
        if (!baseOffsets.contains(point.segmentBase())) {
            problem = "its segment is not on disk";
        } else if (point.position() > Files.size(Segment.file(dir, point.segmentBase(), Segment.LOG_SUFFIX))) {
            problem = "it lies past the end of its segment's file";
        }
        if (problem != null) {
            log.warn("Ignoring the recovery point {} of {}: {}; rescanning all its segments", point, name, problem);
            return null;
        }
        return point;
    }

    /** Segments after a cut hold offsets that no longer follow on; they go. */
    private static void deleteFollowing(Path dir, Iterable<Long> bases, long nowMs, String name) throws IOException {
        for (long base : bases) {
            log.warn("Deleting segment {} of {}: it follows a truncated segment", base, name);
            Segment.openUnscanned(dir, base, nowMs).deleteFiles();
        }
    }
}
