package dev.minikafka.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.minikafka.broker.support.SegmentFiles;
import dev.minikafka.protocol.BatchCheck;
import dev.minikafka.protocol.Record;
import dev.minikafka.protocol.RecordBatch;
import dev.minikafka.protocol.RecordBatchBuilder;

/**
 * Power-loss simulation, deterministic from a seed. One partition log runs in-process with its writer and
 * group commit on the calling thread; a seeded schedule appends {@code LEADER} and {@code DURABLE}
 * requests, flushes and checkpoints the recovery point (as the broker's 2-second task does) and applies
 * size retention, on small segments and a small index interval, so that rolls, deletes and index growth
 * are frequent. Then the power goes, between two steps or at the n-th fsync (inside a roll, a group commit,
 * a flush, a checkpoint write): {@link PowerLossDisk} cuts every file back to a random length no shorter
 * than its last fsync covered, the lost tail truncated, zeroed or garbage. The log is recovered as the
 * broker would after a crash and checked:
 * <ul>
 *   <li>every {@code DURABLE} ack survives, at its offset, with its content;</li>
 *   <li>a {@code LEADER} ack survives when an fsync completed after it (a later {@code DURABLE} ack, the
 *       recovery-point flush); younger ones may be lost, as documented;</li>
 *   <li>offsets are dense from the log start to the log end, every batch passes its CRC, on disk and as
 *       served, and each record is the one written at its offset (never torn);</li>
 *   <li>seek by offset and by time agree with a full scan.</li>
 * </ul>
 * The run goes on from the recovered log, so later cuts hit a log that has been recovered before.
 *
 * <p>{@code -Dpowerloss.iterations=N} (default 200) and {@code -Dpowerloss.seed=S} (printed) replay a run
 * exactly.
 */
class PowerLossSimulationTest {

    private static final String NAME = "sim-0";
    private static final LogConfig CONFIG = new LogConfig(8 * 1024, LogConfig.defaults().segmentMs(), -1, 40 * 1024,
            LogConfig.defaults().maxMessageBytes(), false, 256);

    @TempDir
    Path dataDir;

    private final PowerLossDisk disk = new PowerLossDisk();
    private Path dir;
    private Random random;
    private long now = 1_700_000_000_000L;
    /** Every record written (acknowledged or not) by offset, until recovery says it is gone. */
    private final TreeMap<Long, String> written = new TreeMap<>();
    private final TreeMap<Long, Boolean> durableAcked = new TreeMap<>();
    /** Every record below this offset was covered by a completed fsync. */
    private long syncedEnd;
    private long nextId;
    private PartitionLog log;
    private PartitionWriter writer;
    private RecoveryPointCheckpoint checkpoint;

    // figures for the report
    private long leaderAcks;
    private long durableAcks;
    private long durableVerified;
    private long leaderLost;
    private long fsyncCuts;

    @BeforeEach
    void installDisk() {
        Fsync.listener = disk;
    }

    @AfterEach
    void removeDisk() throws IOException {
        Fsync.listener = null;
        if (log != null) {
            closeQuietly();
        }
    }

    @Test
    void durableAcksSurvivePowerLossAndNoTornBatchIsEverServed() throws IOException {
        long seed = Long.getLong("powerloss.seed", System.nanoTime());
        int iterations = Integer.getInteger("powerloss.iterations", 200);
        System.out.printf("PowerLossSimulationTest: seed %d, %d power cuts (replay: -Dpowerloss.seed=%d)%n", seed,
                iterations, seed);
        random = new Random(seed);
        dir = dataDir.resolve(NAME);
        checkpoint = new RecoveryPointCheckpoint(dataDir);
        open();
        for (int cut = 0; cut < iterations; cut++) {
            try {
                runUntilPowerCut();
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", power cut " + cut + ": " + e.getMessage(), e);
            }
            PowerLossDisk.Tail tail = PowerLossDisk.Tail.values()[random.nextInt(3)];
            List<Segment> before = log.segments();
            closeQuietly();
            disk.cut(dataDir, random, tail);
            try {
                open();
                verify();
            } catch (AssertionError | IOException | RuntimeException e) {
                throw new AssertionError("seed " + seed + ", power cut " + cut + " (" + tail + ", before: "
                        + before.stream().map(x -> x.baseOffset() + ":" + x.size()).toList() + "): " + e, e);
            }
        }
        System.out.printf("PowerLossSimulationTest seed %d: %d power cuts (%d of them at an fsync), %d files cut, %d bytes "
                + "lost; %d DURABLE acks (%d verified after cuts), %d LEADER acks (%d lost, all unsynced)%n", seed,
                iterations, fsyncCuts, disk.filesCut(), disk.bytesLost(), durableAcks, durableVerified, leaderAcks, leaderLost);
        assertThat(durableVerified).isPositive();
    }

    // ---- what the simulation found, pinned down ----

    @Test
    void shouldCutAtALostTailInAnOlderSegmentWhenThereIsNoRecoveryPoint() throws IOException {
        List<Segment> segments = fiveUnsyncedSegmentsThenCrash(1);
        // The power cut tore the last batch of the second segment (the OS writes pages back in no particular
        // order); the newer segments' pages happened to reach the disk. Past the last index entry, so the
        // index still looks sound.
        Path second = Segment.file(dir, segments.get(1).baseOffset(), Segment.LOG_SUFFIX);
        truncate(second, Files.size(second) - 20);

        open();

        verify(); // dense offsets, every batch whole: the log ends before the torn batch
        assertThat(log.segmentCount()).isEqualTo(2);
        assertThat(log.logEndOffset()).isLessThan(segments.get(2).baseOffset());
    }

    @Test
    void shouldCutWhereAnOlderSegmentLostItsBytesUpToABatchBoundary() throws IOException {
        List<Segment> segments = fiveUnsyncedSegmentsThenCrash(3);
        // None of the second segment's bytes reached the disk (its file exists: the roll fsynced the
        // directory), the newer segments' did. Every batch left in it is whole, so only the offsets show
        // the loss: the segment ends where it starts, the next one starts later.
        truncate(Segment.file(dir, segments.get(1).baseOffset(), Segment.LOG_SUFFIX), 0);

        open();

        verify();
        assertThat(log.logEndOffset()).isEqualTo(segments.get(1).baseOffset());
        assertThat(log.segmentCount()).isEqualTo(2);
    }

    /** {@code LEADER} writes only (nothing fsynced, no checkpoint) until there are five segments; then a crash. */
    private List<Segment> fiveUnsyncedSegmentsThenCrash(long seed) throws IOException {
        random = new Random(seed);
        dir = dataDir.resolve(NAME);
        checkpoint = new RecoveryPointCheckpoint(dataDir);
        open();
        while (log.segmentCount() < 5) {
            append(false);
        }
        List<Segment> segments = log.segments();
        closeQuietly();
        return segments;
    }

    @Test
    void shouldCheckEverySegmentWhenRetentionDeletedTheSegmentOfTheRecoveryPoint() throws IOException {
        random = new Random(2);
        dir = dataDir.resolve(NAME);
        checkpoint = new RecoveryPointCheckpoint(dataDir);
        open();
        append(true);
        log.flush();
        checkpoint.write(Map.of(NAME, log.recoveryPoint())); // a point in the first segment
        while (log.segmentCount() < 9) {
            append(false);
        }
        for (Segment removed : log.removeExpiredSegments(now)) {
            removed.deleteFiles(); // past 40 KiB: the point's segment goes
        }
        List<Segment> segments = log.segments();
        assertThat(segments.getFirst().baseOffset()).as("the point's segment is gone").isPositive();
        closeQuietly();
        Path oldest = Segment.file(dir, segments.getFirst().baseOffset(), Segment.LOG_SUFFIX);
        truncate(oldest, Files.size(oldest) - 20);

        open();

        verify();
        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(log.logEndOffset()).isLessThan(segments.get(1).baseOffset());
    }

    /** Every offset-index entry of the segment names a batch start and that batch's base offset. */
    private void indexPointsAtBatchStarts(Segment segment) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(Segment.file(dir, segment.baseOffset(), Segment.LOG_SUFFIX)));
        Map<Integer, Long> starts = new java.util.HashMap<>();
        for (int pos = 0; pos + 12 <= segment.size(); pos += RecordBatch.sizeInBytes(bytes, pos)) {
            starts.put(pos, RecordBatch.baseOffset(bytes, pos) - segment.baseOffset());
        }
        OffsetIndex index = new OffsetIndex(Segment.file(dir, segment.baseOffset(), Segment.INDEX_SUFFIX), segment.baseOffset());
        try {
            for (int i = 0; i < index.entries(); i++) {
                long relative = index.slots()[i] >>> 32;
                int position = (int) index.slots()[i];
                assertThat(starts.get(position)).as("index entry %d (%d -> %d) of %s; batches %s", i, relative, position,
                        segment, new TreeMap<>(starts)).isEqualTo(relative);
            }
        } finally {
            index.close();
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    /** Appends, flushes, checkpoints and deletes on a seeded schedule until the power goes. */
    private void runUntilPowerCut() throws IOException {
        // Each stretch has its own mix: short or long (several segments, past retention), with rare or
        // frequent recovery-point checkpoints.
        int steps = 1 + random.nextInt(random.nextBoolean() ? 40 : 400);
        int checkpointPercent = 1 + random.nextInt(10);
        int durablePercent = random.nextInt(4) * 15; // some stretches are LEADER only
        if (random.nextBoolean()) {
            disk.cutAtFsync(1 + random.nextInt(60));
        }
        try {
            for (int step = 0; step < steps; step++) {
                now += random.nextInt(50);
                int action = random.nextInt(100);
                if (action < 85) {
                    append(random.nextInt(100) < durablePercent);
                } else if (action < 85 + checkpointPercent) {
                    long end = log.logEndOffset();
                    log.flush();
                    syncedEnd = Math.max(syncedEnd, end);
                    checkpoint.write(Map.of(NAME, log.recoveryPoint()));
                } else if (action < 97) {
                    long end = log.logEndOffset();
                    log.flush();
                    syncedEnd = Math.max(syncedEnd, end);
                } else {
                    for (Segment removed : log.removeExpiredSegments(now)) {
                        removed.deleteFiles();
                    }
                }
            }
        } catch (PowerLossDisk.PowerCut cut) {
            fsyncCuts++;
        }
        disk.cutAtFsync(Long.MAX_VALUE);
    }

    private void append(boolean durable) {
        long base = log.logEndOffset();
        int batches = 1 + random.nextInt(3);
        ByteBuffer request = ByteBuffer.allocate(64 * 1024);
        long offset = base;
        for (int b = 0; b < batches; b++) {
            RecordBatchBuilder builder = new RecordBatchBuilder(1024);
            int records = 1 + random.nextInt(8);
            for (int r = 0; r < records; r++) {
                String value = value(nextId++);
                long timestamp = now - (random.nextInt(10) == 0 ? random.nextInt(5_000) : 0);
                builder.append(timestamp, null, value.getBytes(StandardCharsets.UTF_8), List.of());
                written.put(offset++, value);
            }
            request.put(builder.build());
        }
        request.flip();
        long end = offset;
        long[] acked = {-2};
        writer.offer(request, durable, (baseOffset, time, error) -> acked[0] = error == null ? baseOffset : -1);
        if (acked[0] == -2) {
            return; // the power went during the group-commit fsync: no ack
        }
        assertThat(acked[0]).as("ack of the append at %d", base).isEqualTo(base);
        if (durable) {
            durableAcks++;
            durableAcked.put(base, true);
            for (long o = base; o < end; o++) {
                durableAcked.put(o, true);
            }
            syncedEnd = Math.max(syncedEnd, end);
        } else {
            leaderAcks++;
        }
    }

    private String describeLog() throws IOException {
        StringBuilder text = new StringBuilder();
        for (Segment segment : log.segments()) {
            text.append(segment.baseOffset()).append(": ").append(segment.size()).append(" of ")
                    .append(Files.size(Segment.file(dir, segment.baseOffset(), Segment.LOG_SUFFIX))).append(" bytes to ")
                    .append(segment.nextOffset()).append(" index ").append(segment.indexProblem()).append("; ");
        }
        return text.toString();
    }

    private String value(long id) {
        return "r" + id + "-" + "x".repeat((int) (id % 97));
    }

    private void open() throws IOException {
        RecoveryPoint point;
        try {
            point = checkpoint.read().get(NAME);
        } catch (IOException e) {
            point = null; // as LogManager does: an unreadable checkpoint means scanning more
        }
        log = LogRecovery.open(NAME, dir, CONFIG, false, point, now);
        writer = LogTestSupport.directWriter(log, () -> now);
    }

    private void closeQuietly() {
        for (Segment segment : log.segments()) {
            try {
                segment.close();
            } catch (IOException | RuntimeException e) {
                // abandoned after the power cut
            }
        }
        log = null;
    }

    private void verify() throws IOException {
        long start = log.logStartOffset();
        long end = log.logEndOffset();
        assertThat(end).as("log end after recovery: everything fsynced survives").isGreaterThanOrEqualTo(syncedEnd);
        leaderLost += written.tailMap(end).size() - durableAcked.tailMap(end).size();
        assertThat(durableAcked.tailMap(end)).as("DURABLE acks past the recovered log end").isEmpty();

        for (Segment segment : log.segments()) {
            indexPointsAtBatchStarts(segment);
        }
        List<Record> served = new ArrayList<>();
        long next = start;
        while (next < end) {
            ByteBuffer batches = log.read(next, 4096).batches();
            assertThat(RecordBatch.checkAll(batches, batches.position(), batches.limit(), Integer.MAX_VALUE))
                    .as("batches served at %d (log %s)", next, describeLog()).isEqualTo(BatchCheck.OK);
            List<Record> decoded = RecordBatch.decodeAll(batches, next);
            assertThat(decoded).as("records at %d", next).isNotEmpty();
            served.addAll(decoded);
            next = decoded.getLast().offset() + 1;
        }
        List<Record> onDisk = SegmentFiles.readAll(dir);
        assertThat(onDisk.size()).as("records on disk (log %s; files %s)", describeLog(), LogTestSupport.fileNames(dir))
                .isEqualTo(served.size());
        for (int i = 0; i < served.size(); i++) {
            Record record = served.get(i);
            assertThat(record.offset()).as("offsets are dense").isEqualTo(start + i);
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).as("record at %d", record.offset())
                    .isEqualTo(written.get(record.offset()));
            assertThat(onDisk.get(i).offset()).isEqualTo(record.offset());
            if (durableAcked.containsKey(record.offset())) {
                durableVerified++;
            }
        }
        for (int i = 0; i < 4 && !served.isEmpty(); i++) {
            Record target = served.get(random.nextInt(served.size()));
            List<Record> atOffset = RecordBatch.decodeAll(log.read(target.offset(), 1).batches(), target.offset());
            assertThat(atOffset.getFirst().offset()).as("seek to %d", target.offset()).isEqualTo(target.offset());
            long time = target.timestamp() + random.nextInt(2) - random.nextInt(2);
            long expected = served.stream().filter(r -> r.timestamp() >= time).mapToLong(Record::offset).min().orElse(end);
            assertThat(log.offsetForTimestamp(time)).as("seek by time %d", time).isEqualTo(expected);
        }
        // What recovery cut off is gone for good: those offsets are written afresh from here.
        written.tailMap(end).clear();
        durableAcked.tailMap(end).clear();
        written.headMap(start).clear();
        durableAcked.headMap(start).clear();
        syncedEnd = end;
    }
}
