package dev.minikafka.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.minikafka.broker.crash.CrashPoint;

/**
 * The recovery points of every partition in a data directory, in {@value #FILE_NAME}: how far each log
 * was known to be fsynced (see {@link RecoveryPoint}). UTF-8 text, fields separated by one space:
 *
 * <pre>
 *  0                              format version
 *  2                              number of partitions that follow
 *  orders 0 1200 1024 65536       topic partition offset segmentBase position
 *  clicks 11 0 0 0
 * </pre>
 *
 * Topic names never contain spaces ({@code [a-zA-Z0-9._-]+}), and the partition is the number after the
 * last {@code -} of the directory name, so a line maps back to {@code <topic>-<partition>} unambiguously.
 *
 * <p>Crash story: {@link #write} replaces the file through {@link AtomicFile} (a temporary file, fsynced,
 * renamed over the old one, the directory fsynced), so after a crash the file is either the previous
 * version or the new one, whole. A point in the file only ever names data fsynced before the file was
 * written, so it stays true until the log is cut below it (which only recovery does). {@link #read} rejects anything it cannot parse exactly; the caller
 * then scans as if there were no file.
 *
 * <p>Thread-safety: {@link #write} is synchronized (the periodic task and shutdown may overlap).
 */
final class RecoveryPointCheckpoint {

    static final String FILE_NAME = "recovery-point-offset-checkpoint";
    static final int VERSION = 0;

    private final Path file;

    RecoveryPointCheckpoint(Path dataDir) {
        this.file = dataDir.resolve(FILE_NAME);
    }

    Path file() {
        return file;
    }

    /**
     * The recovery points by partition name ({@code <topic>-<partition>}); empty when there is no file.
     *
     * @throws IOException when the file cannot be read or is not exactly in the format above
     */
    Map<String, RecoveryPoint> read() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        }
        try {
            if (lines.size() < 2 || Integer.parseInt(lines.get(0)) != VERSION) {
                throw new IOException("unknown version or missing header");
            }
            int count = Integer.parseInt(lines.get(1));
            if (count != lines.size() - 2) {
                throw new IOException("says " + count + " entries but holds " + (lines.size() - 2));
            }
            Map<String, RecoveryPoint> points = new HashMap<>();
            for (String line : lines.subList(2, lines.size())) {
                String[] fields = line.split(" ", -1);
                if (fields.length != 5 || fields[0].isEmpty()) {
                    throw new IOException("malformed line '" + line + "'");
                }
                int partition = Integer.parseInt(fields[1]);
                RecoveryPoint point = new RecoveryPoint(Long.parseLong(fields[2]), Long.parseLong(fields[3]),
                        Integer.parseInt(fields[4]));
                if (partition < 0 || point.segmentBase() < 0 || point.offset() < point.segmentBase() || point.position() < 0) {
                    throw new IOException("impossible entry '" + line + "'");
                }
                points.put(fields[0] + "-" + partition, point);
            }
            return points;
        } catch (NumberFormatException e) {
            throw new IOException("malformed number: " + e.getMessage(), e);
        }
    }

    /** Replaces the file with these points, atomically and durably. */
    synchronized void write(Map<String, RecoveryPoint> points) throws IOException {
        StringBuilder text = new StringBuilder().append(VERSION).append('\n').append(points.size()).append('\n');
        for (Map.Entry<String, RecoveryPoint> entry : new TreeMap<>(points).entrySet()) {
            String name = entry.getKey();
            int dash = name.lastIndexOf('-');
            RecoveryPoint point = entry.getValue();
            text.append(name, 0, dash).append(' ').append(name, dash + 1, name.length()).append(' ')
                    .append(point.offset()).append(' ').append(point.segmentBase()).append(' ')
                    .append(point.position()).append('\n');
        }
        AtomicFile.replace(file, ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)),
                CrashPoint.CHECKPOINT_WRITE);
    }
}
