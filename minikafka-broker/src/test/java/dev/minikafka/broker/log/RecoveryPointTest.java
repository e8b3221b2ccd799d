package dev.minikafka.broker.log;

import static dev.minikafka.broker.log.LogTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.minikafka.protocol.BatchCheck;
import dev.minikafka.protocol.BatchLayout;
import dev.minikafka.protocol.RecordBatch;

/**
 * Recovery points: flushes move them, the log manager checkpoints them periodically and at close, and after a
 * crash recovery checks only what lies past them, falling back to scanning every segment without a usable one.
 */
class RecoveryPointTest {

    static final LogConfig CONFIG = config(64 * 1024, 256);
    static final long NEVER = HOUR_MS;

    @TempDir
    Path dataDir;

    final AtomicLong clock = new AtomicLong(1_000_000);
    LogManager manager;
    Path dir;

    @AfterEach
    void close() throws Exception {
        if (manager != null) {
            manager.close();
        }
    }

    LogManager open(long checkpointIntervalMs) throws IOException {
        return LogManager.open(dataDir, 2, 8L * 1024 * 1024, 0, HOUR_MS, checkpointIntervalMs, clock::get);
    }

    static void append(PartitionWriter writer, int from, int count) {
        for (int i = from; i < from + count; i++) {
            LogTestSupport.append(writer, batch(1000L * i, "b" + i + ".0", "b" + i + ".1", "b" + i + ".2"));
        }
    }

    /**
     * 10 batches (offsets 0-29) covered by a checkpoint, then 5 more (30-44) written after it, then a crash:
     * the files hold all 15 (as after {@code kill -9}), the checkpoint names the end of the tenth.
     */
    RecoveryPoint crashAfterCheckpointOfTenOfFifteenBatches(LogConfig config) throws Exception {
        manager = open(NEVER);
        PartitionWriter writer = manager.getOrCreate("events", 0, config);
        append(writer, 0, 10);
        manager.checkpointRecoveryPoints();
        Path checkpoint = dataDir.resolve(RecoveryPointCheckpoint.FILE_NAME);
        byte[] afterTen = Files.readAllBytes(checkpoint);
        append(writer, 10, 5);
        manager.close();
        manager = null;
        // undo what the clean close added: the marker and the checkpoint naming all 15 batches
        assertThat(Files.deleteIfExists(dataDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER))).isTrue();
        Files.write(checkpoint, afterTen);
        dir = dataDir.resolve("events-0");
        return new RecoveryPointCheckpoint(dataDir).read().get("events-0");
    }

    PartitionWriter reopen(LogConfig config) throws Exception {
        manager = open(NEVER);
        return manager.getOrCreate("events", 0, config);
    }

    static List<Integer> batchStarts(Path logFile) throws Exception {
        return LogRecoveryTest.batchStarts(logFile);
    }

    // ---- recovery from the recovery point ----

    @Test
    void shouldTrustBytesBelowTheRecoveryPointAndStillCutATornTailPastIt() throws Exception {
        RecoveryPoint point = crashAfterCheckpointOfTenOfFifteenBatches(CONFIG);
        Path log = logFile(dir, 0);
        List<Integer> starts = batchStarts(log);
        assertThat(point).isEqualTo(new RecoveryPoint(30, 0, starts.get(10)));
        long goodSize = Files.size(log);
        // damage below the point: a full scan would cut the log here, so surviving proves it was not scanned
        LogRecoveryTest.flipByte(log, starts.get(3) + BatchLayout.RECORDS_OFFSET + 5);
        ByteBuffer torn = batch(99, "torn", "batch");
        RecordBatch.setBaseOffset(torn, 0, 45);
        LogRecoveryTest.appendBytes(log, Arrays.copyOf(torn.array(), torn.remaining() / 2));

        PartitionWriter writer = reopen(CONFIG);
        PartitionLog recovered = writer.log();

        assertThat(manager.openedAfterCleanShutdown()).isFalse();
        assertThat(recovered.logEndOffset()).isEqualTo(45);
        assertThat(Files.size(log)).as("the torn tail past the point is cut").isEqualTo(goodSize);
        ByteBuffer trusted = recovered.read(9, 1).batches();
        assertThat(RecordBatch.check(trusted, 0, trusted.limit(), Integer.MAX_VALUE)).isEqualTo(BatchCheck.BAD_CRC);
        assertThat(recovered.offsetForTimestamp(12_001)).isEqualTo(37);
        assertThat(LogTestSupport.append(writer, batch(50_000, "after"))).isEqualTo(45);
    }

    @Test
    void shouldCutACorruptBatchPastTheRecoveryPointAndRebuildTheIndexesThere() throws Exception {
        crashAfterCheckpointOfTenOfFifteenBatches(CONFIG);
        Path log = logFile(dir, 0);
        List<Integer> starts = batchStarts(log);
        byte[] index = Files.readAllBytes(indexFile(dir, 0));
        LogRecoveryTest.flipByte(log, starts.get(12) + BatchLayout.RECORDS_OFFSET + 5);
        Files.write(indexFile(dir, 0), new byte[OffsetIndex.ENTRY_SIZE * 3], StandardOpenOption.APPEND);

        PartitionWriter writer = reopen(CONFIG);
        PartitionLog recovered = writer.log();

        assertThat(recovered.logEndOffset()).isEqualTo(36);
        assertThat(Files.size(log)).isEqualTo(starts.get(12).longValue());
        assertThat(values(readAll(recovered, 0))).hasSize(36).endsWith("b11.2");
        for (long offset = 0; offset < 36; offset++) {
            ByteBuffer read = recovered.read(offset, 1).batches();
            assertThat(RecordBatch.baseOffset(read, 0)).as("batch holding %d", offset).isEqualTo(offset / 3 * 3);
        }
        assertThat(Files.size(indexFile(dir, 0))).isLessThanOrEqualTo(index.length);
        assertThat(LogTestSupport.append(writer, batch(50_000, "after"))).isEqualTo(36);
    }

    @Test
    void shouldTrustWholeSegmentsBelowTheRecoveryPointsSegment() throws Exception {
        LogConfig small = config(1024, 128);
        manager = open(NEVER);
        PartitionWriter writer = manager.getOrCreate("events", 0, small);
        append(writer, 0, 40);
        manager.checkpointRecoveryPoints();
        manager.close();
        manager = null;
        Files.delete(dataDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER));
        dir = dataDir.resolve("events-0");
        List<Long> bases = segmentBases(dir);
        assertThat(bases.size()).isGreaterThanOrEqualTo(4);
        // the last segment but one: the old two-segment scan would cut here and delete the last segment
        Path nextToLast = logFile(dir, bases.get(bases.size() - 2));
        LogRecoveryTest.flipByte(nextToLast, batchStarts(nextToLast).get(1) + BatchLayout.RECORDS_OFFSET + 2);

        PartitionLog recovered = reopen(small).log();

        assertThat(recovered.logEndOffset()).isEqualTo(120);
        assertThat(segmentBases(dir)).isEqualTo(bases);
    }

    // ---- falling back to scanning every segment ----

    @ParameterizedTest
    @ValueSource(strings = {"missing", "garbage", "wrong-version", "wrong-count", "past-end-of-file", "unknown-segment"})
    void shouldFallBackToScanningEverySegmentWithoutAUsableRecoveryPoint(String damage) throws Exception {
        crashAfterCheckpointOfTenOfFifteenBatches(CONFIG);
        Path log = logFile(dir, 0);
        List<Integer> starts = batchStarts(log);
        LogRecoveryTest.flipByte(log, starts.get(3) + BatchLayout.RECORDS_OFFSET + 5);
        Path checkpoint = dataDir.resolve(RecoveryPointCheckpoint.FILE_NAME);
        long size = Files.size(log);
        switch (damage) {
            case "missing" -> Files.delete(checkpoint);
            case "garbage" -> Files.write(checkpoint, new byte[] {0, 1, 2, 3, (byte) 0xFF, '\n'});
            case "wrong-version" -> Files.writeString(checkpoint, "7\n1\nevents 0 30 0 " + starts.get(10) + "\n");
            case "wrong-count" -> Files.writeString(checkpoint, "0\n2\nevents 0 30 0 " + starts.get(10) + "\n");
            case "past-end-of-file" -> Files.writeString(checkpoint, "0\n1\nevents 0 45 0 " + (size + 100) + "\n");
            case "unknown-segment" -> Files.writeString(checkpoint, "0\n1\nevents 0 30 7 " + starts.get(10) + "\n");
            default -> throw new IllegalArgumentException(damage);
        }

        PartitionLog recovered = reopen(CONFIG).log();

        assertThat(recovered.logEndOffset()).as("cut at the corrupt fourth batch").isEqualTo(9);
        assertThat(Files.size(log)).isEqualTo(starts.get(3).longValue());
    }

    @Test
    void shouldRescanTheSegmentWholeWhenTheRecoveryPointIsNotABatchBoundary() throws Exception {
        crashAfterCheckpointOfTenOfFifteenBatches(CONFIG);
        Path log = logFile(dir, 0);
        List<Integer> starts = batchStarts(log);
        LogRecoveryTest.flipByte(log, starts.get(3) + BatchLayout.RECORDS_OFFSET + 5);
        Files.writeString(dataDir.resolve(RecoveryPointCheckpoint.FILE_NAME),
                "0\n1\nevents 0 30 0 " + (starts.get(10) - 1) + "\n");

        PartitionLog recovered = reopen(CONFIG).log();

        assertThat(recovered.logEndOffset()).isEqualTo(9);
    }

    // ---- flushes move the point; the manager checkpoints it ----

    @Test
    void shouldMoveTheRecoveryPointToWhatTheLastFlushCovered() throws Exception {
        LogConfig small = config(1024, 128);
        PartitionLog log = LogRecovery.open("events-0", dataDir.resolve("events-0"), small, false, 0);
        PartitionWriter writer = directWriter(log, clock::get);
        assertThat(log.recoveryPoint()).isEqualTo(RecoveryPoint.start(0));
        append(writer, 0, 30);
        assertThat(log.recoveryPoint()).as("writes alone do not move it").isEqualTo(RecoveryPoint.start(0));

        log.flush();

        Segment active = log.active();
        assertThat(log.segmentCount()).isGreaterThanOrEqualTo(3);
        assertThat(log.recoveryPoint()).isEqualTo(new RecoveryPoint(90, active.baseOffset(), active.size()));
        for (Segment segment : log.segments()) {
            assertThat(segment.flushedSize()).as("%s flushed whole", segment).isEqualTo(segment.size());
        }
        log.close();
    }

    @Test
    void shouldCheckpointRecoveryPointsPeriodicallyAndOnlyWhenOneChanged() throws Exception {
        manager = open(20);
        PartitionWriter writer = manager.getOrCreate("events", 0, CONFIG);
        append(writer, 0, 10);
        Path file = dataDir.resolve(RecoveryPointCheckpoint.FILE_NAME);

        RecoveryPoint point = awaitPoint(30);
        assertThat(point).isEqualTo(new RecoveryPoint(30, 0, (int) Files.size(logFile(dataDir.resolve("events-0"), 0))));
        Object fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        Thread.sleep(200);
        assertThat(Files.readAttributes(file, BasicFileAttributes.class).fileKey())
                .as("not rewritten while nothing changed").isEqualTo(fileKey);

        append(writer, 10, 2);
        assertThat(awaitPoint(36).offset()).isEqualTo(36);
    }

    RecoveryPoint awaitPoint(long offset) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            RecoveryPoint point = new RecoveryPointCheckpoint(dataDir).read().get("events-0");
            if (point != null && point.offset() == offset) {
                return point;
            }
            assertThat(System.nanoTime()).as("checkpoint reached %d (now %s)", offset, point).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void shouldCheckpointTheLogEndsAtCloseAndKeepPartitionsNotOpenedSince() throws Exception {
        manager = open(NEVER);
        append(manager.getOrCreate("events", 0, CONFIG), 0, 4);
        append(manager.getOrCreate("events", 1, CONFIG), 0, 2);
        manager.close();
        Map<String, RecoveryPoint> atClose = new RecoveryPointCheckpoint(dataDir).read();
        assertThat(atClose).containsOnlyKeys("events-0", "events-1");
        assertThat(atClose.get("events-0")).isEqualTo(
                new RecoveryPoint(12, 0, (int) Files.size(logFile(dataDir.resolve("events-0"), 0))));
        assertThat(atClose.get("events-1").offset()).isEqualTo(6);

        manager = open(NEVER);
        append(manager.getOrCreate("events", 0, CONFIG), 4, 1);
        manager.close();

        Map<String, RecoveryPoint> after = new RecoveryPointCheckpoint(dataDir).read();
        assertThat(after.get("events-0").offset()).isEqualTo(15);
        assertThat(after.get("events-1")).as("not opened this time: kept").isEqualTo(atClose.get("events-1"));
        manager = null;
    }

    @Test
    void shouldDropTheRecoveryPointsOfADeletedTopic() throws Exception {
        manager = open(NEVER);
        append(manager.getOrCreate("events", 0, CONFIG), 0, 1);
        append(manager.getOrCreate("other", 0, CONFIG), 0, 1);
        manager.checkpointRecoveryPoints();

        manager.deleteLogs("events");
        manager.checkpointRecoveryPoints();

        assertThat(new RecoveryPointCheckpoint(dataDir).read()).containsOnlyKeys("other-0");
    }

    // ---- the file ----

    @Test
    void shouldWriteTheCheckpointAsDocumentedAndReadItBack() throws Exception {
        RecoveryPointCheckpoint checkpoint = new RecoveryPointCheckpoint(dataDir);
        Map<String, RecoveryPoint> points = Map.of("orders-eu-0", new RecoveryPoint(1200, 1024, 65536),
                "clicks-11", RecoveryPoint.start(0));

        checkpoint.write(points);

        assertThat(Files.readString(checkpoint.file())).isEqualTo("0\n2\nclicks 11 0 0 0\norders-eu 0 1200 1024 65536\n");
        assertThat(checkpoint.read()).isEqualTo(points);
        assertThat(LogTestSupport.fileNames(dataDir)).containsExactly(RecoveryPointCheckpoint.FILE_NAME);
    }

    @Test
    void shouldRejectACheckpointWithATruncatedLine() throws Exception {
        RecoveryPointCheckpoint checkpoint = new RecoveryPointCheckpoint(dataDir);
        Files.writeString(checkpoint.file(), "0\n1\nevents 0 30 0\n");

        assertThatThrownBy(checkpoint::read).isInstanceOf(IOException.class);
        assertThat(new RecoveryPointCheckpoint(dataDir.resolve("absent")).read()).isEmpty();
    }
}
