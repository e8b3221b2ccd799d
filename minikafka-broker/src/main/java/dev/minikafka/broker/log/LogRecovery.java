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
 *   <li>After a crash the last {@value #SEGMENTS_TO_SCAN} segments are rescanned batch by batch (CRC, framing,
 *       offset continuity) and cut at the first bad batch, their indexes rebuilt; any segment after a cut is
 *       deleted, since offsets must stay dense. Two, not one: a crash just after a roll leaves the previous
 *       segment's tail not yet fsynced. Older segments were fsynced when the next-but-one rolled.</li>
 * </ul>
 */
final class LogRecovery {

    static final int SEGMENTS_TO_SCAN = 2;
    private static final Logger log = LoggerFactory.getLogger(LogRecovery.class);

    private LogRecovery() {
    }

    static PartitionLog open(String name, Path dir, LogConfig config, boolean cleanShutdown, long nowMs) throws IOException {
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
            return new PartitionLog(name, dir, List.of(first), config);
        }
        List<Segment> segments = new ArrayList<>();
        int index = 0;
        int firstToScan = cleanShutdown ? Integer.MAX_VALUE : Math.max(0, baseOffsets.size() - SEGMENTS_TO_SCAN);
        for (long base : baseOffsets) {
            Segment segment = Segment.open(dir, base, nowMs);
            String problem = segment.indexProblem();
            if (index >= firstToScan || problem != null) {
                if (problem != null) {
                    log.warn("Rebuilding the index of {}: {}", segment, problem);
                }
                long cut = segment.recover(config.indexIntervalBytes());
                if (cut > 0) {
                    log.warn("Truncated {} bytes of torn or corrupt data from {}; the log of {} now ends at offset {}",
                            cut, segment, name, segment.nextOffset());
                    segments.add(segment);
                    deleteFollowing(dir, baseOffsets.tailSet(base, false), nowMs, name);
                    break;
                }
            }
            segments.add(segment);
            index++;
        }
        return new PartitionLog(name, dir, segments, config);
    }

    /** Segments after a cut hold offsets that no longer follow on; they go. */
    private static void deleteFollowing(Path dir, Iterable<Long> bases, long nowMs, String name) throws IOException {
        for (long base : bases) {
            log.warn("Deleting segment {} of {}: it follows a truncated segment", base, name);
            Segment.open(dir, base, nowMs).deleteFiles();
        }
    }
}
