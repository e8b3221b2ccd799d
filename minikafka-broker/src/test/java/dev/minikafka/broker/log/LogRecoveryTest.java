package dev.minikafka.broker.log;

import static dev.minikafka.broker.log.LogTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.minikafka.protocol.BatchLayout;
import dev.minikafka.protocol.Record;
import dev.minikafka.protocol.RecordBatch;

/**
 * Opening a partition after a crash (no {@code .clean-shutdown} marker) or a clean shutdown: torn and corrupt
 * tails are cut, indexes rebuilt, leftovers removed, and appends continue densely.
 */
class LogRecoveryTest {

    static final LogConfig CONFIG = config(64 * 1024, 256);

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

    /** Writes {@code batches} batches of three records ("b<i>.<j>") to events-0 and shuts down cleanly. */
    List<String> writeBatches(int batches, LogConfig config) throws Exception {
        manager = openManager(dataDir, clock::get);
        PartitionWriter writer = manager.getOrCreate("events", 0, config);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            String[] batch = {"b" + i + ".0", "b" + i + ".1", "b" + i + ".2"};
            append(writer, batch(1000L * i, batch));
            values.addAll(List.of(batch));
        }
        manager.close();
        manager = null;
        dir = dataDir.resolve("events-0");
        return values;
    }

    void forgetCleanShutdown() throws Exception {
        assertThat(Files.deleteIfExists(dataDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER))).isTrue();
    }

    /**
     * A crash before any recovery point was checkpointed: the clean close above wrote one naming the whole
     * log as fsynced, under which damage would be trusted (see {@link RecoveryPointTest}); without it,
     * recovery rescans every segment, which the tests calling this exercise.
     */
    void crashBeforeAnyCheckpoint() throws Exception {
        forgetCleanShutdown();
        assertThat(Files.deleteIfExists(dataDir.resolve(RecoveryPointCheckpoint.FILE_NAME))).isTrue();
    }

    PartitionWriter reopen(LogConfig config) throws Exception {
        manager = openManager(dataDir, clock::get);
        return manager.getOrCreate("events", 0, config);
    }

    /** File positions of the batches in a .log file. */
    static List<Integer> batchStarts(Path logFile) throws Exception {
        ByteBuffer log = ByteBuffer.wrap(Files.readAllBytes(logFile));
        List<Integer> starts = new ArrayList<>();
        for (int pos = 0; pos < log.limit(); pos += RecordBatch.sizeInBytes(log, pos)) {
            starts.add(pos);
        }
        return starts;
    }

    static void flipByte(Path file, long position) throws Exception {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x20)).rewind();
            channel.write(one, position);
        }
    }

    static void appendBytes(Path file, byte[] bytes) throws Exception {
        Files.write(file, bytes, StandardOpenOption.APPEND);
    }

    // ---- (a) torn tails ----

    @Test
    void shouldTruncateATornHalfBatchAtTheTailAfterACrash() throws Exception {
        List<String> values = writeBatches(10, CONFIG);
        Path log = logFile(dir, 0);
        long goodSize = Files.size(log);
        ByteBuffer next = batch(99, "torn", "batch", "never", "acked");
        RecordBatch.setBaseOffset(next, 0, 30);
        appendBytes(log, Arrays.copyOf(next.array(), next.remaining() / 2));
        forgetCleanShutdown();

        PartitionLog recovered = reopen(CONFIG).log();

        assertThat(manager.openedAfterCleanShutdown()).isFalse();
        assertThat(recovered.logEndOffset()).isEqualTo(30);
        assertThat(Files.size(log)).isEqualTo(goodSize);
        assertThat(values(readAll(recovered, 0))).isEqualTo(values);
    }

    @Test
    void shouldTruncateAWholeBatchWhoseLastBytesAreMissing() throws Exception {
        List<String> values = writeBatches(10, CONFIG);
        Path log = logFile(dir, 0);
        List<Integer> starts = batchStarts(log);
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(log) - 1);
        }
        forgetCleanShutdown();

        PartitionLog recovered = reopen(CONFIG).log();

        assertThat(recovered.logEndOffset()).isEqualTo(27);
        assertThat(Files.size(log)).isEqualTo(starts.get(9).longValue());
        assertThat(values(readAll(recovered, 0))).isEqualTo(values.subList(0, 27));
    }

    @Test
    void shouldTruncateRandomGarbageAfterTheLastBatch() throws Exception {
        List<String> values = writeBatches(10, CONFIG);
        Path log = logFile(dir, 0);
        long goodSize = Files.size(log);
        byte[] garbage = new byte[700];
        new Random(7).nextBytes(garbage);
        appendBytes(log, garbage);
        forgetCleanShutdown();

        PartitionLog recovered = reopen(CONFIG).log();

        assertThat(recovered.logEndOffset()).isEqualTo(30);
        assertThat(Files.size(log)).isEqualTo(goodSize);
        assertThat(values(readAll(recovered, 0))).isEqualTo(values);
    }

    @Test
    void shouldTruncateAZeroFilledTailAsLeftByAPowerLoss() throws Exception {
        writeBatches(10, CONFIG);
        Path log = logFile(dir, 0);
        long goodSize = Files.size(log);
        appendBytes(log, new byte[4096]);
        forgetCleanShutdown();

        PartitionLog recovered = reopen(CONFIG).log();

        assertThat(recovered.logEndOffset()).isEqualTo(30);
        assertThat(Files.size(log)).isEqualTo(goodSize);
    }

    @Test
    void shouldContinueDenseOffsetsAfterCuttingATornTail() throws Exception {
        List<String> values = new ArrayList<>(writeBatches(10, CONFIG));
        appendBytes(logFile(dir, 0), new byte[] {0, 0, 0, 0, 0, 0, 0, 30, 0, 0, 1, 0, 2, 9, 9});
        forgetCleanShutdown();

        PartitionWriter writer = reopen(CONFIG);
        for (int i = 0; i < 20; i++) {
            assertThat(append(writer, batch(50_000 + i, "new" + i))).isEqualTo(30 + i);
            values.add("new" + i);
        }
        manager.close();
        PartitionLog afterCleanRestart = reopen(CONFIG).log();

        List<Record> records = readAll(afterCleanRestart, 0);
        assertThat(offsets(records)).isEqualTo(range(0, 50));
        assertThat(values(records)).isEqualTo(values);
        assertThat(afterCleanRestart.offsetForTimestamp(50_005)).isEqualTo(35);
    }

    // ---- (b) corruption inside the tail ----

    @Test
    void shouldCutEverythingFromACorruptBatchInTheMiddleOfTheTail() throws Exception {
        List<String> values = writeBatches(10, CONFIG);
        Path log = logFile(dir, 0);
        List<Integer> starts = batchStarts(log);
        int fourth = starts.get(3);
        flipByte(log, fourth + BatchLayout.RECORDS_OFFSET + 5);
        crashBeforeAnyCheckpoint();

        PartitionWriter writer = reopen(CONFIG);
        PartitionLog recovered = writer.log();

        assertThat(recovered.logEndOffset()).isEqualTo(9);
        assertThat(Files.size(log)).isEqualTo(fourth);
        assertThat(values(readAll(recovered, 0))).isEqualTo(values.subList(0, 9));
        assertThat(append(writer, batch(1, "after"))).isEqualTo(9);
        assertThat(values(readAll(recovered, 8))).containsExactly("b2.2", "after");
    }

    @Test
    void shouldCutAtABatchWhoseHeaderWasCorrupted() throws Exception {
        List<String> values = writeBatches(10, CONFIG);
        Path log = logFile(dir, 0);
        List<Integer> starts = batchStarts(log);
        flipByte(log, starts.get(6) + BatchLayout.MAX_TIMESTAMP_OFFSET + 7);
        crashBeforeAnyCheckpoint();

        PartitionLog recovered = reopen(CONFIG).log();

        assertThat(recovered.logEndOffset()).isEqualTo(18);
        assertThat(values(readAll(recovered, 0))).isEqualTo(values.subList(0, 18));
    }

    @Test
    void shouldCutAtABatchWhoseBaseOffsetBreaksTheSequence() throws Exception {
        writeBatches(10, CONFIG);
        Path log = logFile(dir, 0);
        List<Integer> starts = batchStarts(log);
        // the base offset is outside the CRC: only offset continuity can notice
        flipByte(log, starts.get(5) + BatchLayout.BASE_OFFSET_OFFSET + 7);
        crashBeforeAnyCheckpoint();

        PartitionLog recovered = reopen(CONFIG).log();

        assertThat(recovered.logEndOffset()).isEqualTo(15);
        assertThat(Files.size(log)).isEqualTo(starts.get(5).longValue());
    }

    @Test
    void shouldDeleteTheSegmentsAfterACutInTheNextToLastSegment() throws Exception {
        LogConfig small = config(1024, 128);
        List<String> values = writeBatches(50, small);
        List<Long> bases = segmentBases(dir);
        assertThat(bases.size()).isGreaterThanOrEqualTo(4);
        long nextToLast = bases.get(bases.size() - 2);
        long last = bases.getLast();
        Path log = logFile(dir, nextToLast);
        List<Integer> starts = batchStarts(log);
        assertThat(starts.size()).isGreaterThanOrEqualTo(2);
        flipByte(log, starts.get(1) + BatchLayout.RECORDS_OFFSET + 2);
        crashBeforeAnyCheckpoint();

        PartitionWriter writer = reopen(small);
        PartitionLog recovered = writer.log();

        long cutAt = nextToLast + 3;
        assertThat(recovered.logEndOffset()).isEqualTo(cutAt);
        assertThat(segmentBases(dir)).isEqualTo(bases.subList(0, bases.size() - 1));
        assertThat(fileNames(dir)).noneMatch(name -> name.startsWith(String.format("%020d", last)));
        assertThat(values(readAll(recovered, 0))).isEqualTo(values.subList(0, (int) cutAt));
        assertThat(append(writer, batch(1, "after"))).isEqualTo(cutAt);
    }

    @Test
    void shouldOnlyRescanTheLastTwoSegmentsAfterACrash() throws Exception {
        LogConfig small = config(1024, 128);
        writeBatches(50, small);
        List<Long> bases = segmentBases(dir);
        assertThat(bases.size()).isGreaterThanOrEqualTo(4);
        // older segments were fsynced when the next-but-one rolled: their contents are trusted
        Path old = logFile(dir, bases.get(bases.size() - 3));
        flipByte(old, batchStarts(old).get(1) + BatchLayout.RECORDS_OFFSET + 2);
        forgetCleanShutdown();

        PartitionLog recovered = reopen(small).log();

        assertThat(recovered.logEndOffset()).isEqualTo(150);
        assertThat(segmentBases(dir)).isEqualTo(bases);
    }

    // ---- (c) damaged indexes ----

    @Test
    void shouldRebuildATruncatedOffsetIndexAfterACrash() throws Exception {
        List<String> values = writeBatches(40, CONFIG);
        Path index = indexFile(dir, 0);
        byte[] original = Files.readAllBytes(index);
        assertThat(original.length).isGreaterThan(3 * OffsetIndex.ENTRY_SIZE);
        try (FileChannel channel = FileChannel.open(index, StandardOpenOption.WRITE)) {
            channel.truncate(OffsetIndex.ENTRY_SIZE + 3);
        }
        crashBeforeAnyCheckpoint();

        PartitionLog recovered = reopen(CONFIG).log();

        assertThat(Files.readAllBytes(index)).isEqualTo(original);
        assertThat(recovered.logEndOffset()).isEqualTo(120);
        for (long offset = 0; offset < 120; offset += 11) {
            ByteBuffer read = recovered.read(offset, 1).batches();
            assertThat(RecordBatch.baseOffset(read, 0)).as("batch holding %d", offset).isEqualTo(offset / 3 * 3);
        }
        assertThat(values(readAll(recovered, 0))).isEqualTo(values);
    }

    @Test
    void shouldRebuildAGarbledTimeIndexAfterACrash() throws Exception {
        writeBatches(40, CONFIG);
        Path timeIndex = timeIndexFile(dir, 0);
        byte[] original = Files.readAllBytes(timeIndex);
        assertThat(original).isNotEmpty();
        byte[] garbage = new byte[original.length + 5];
        new Random(3).nextBytes(garbage);
        Files.write(timeIndex, garbage);
        crashBeforeAnyCheckpoint();

        PartitionLog recovered = reopen(CONFIG).log();

        assertThat(Files.readAllBytes(timeIndex)).isEqualTo(original);
        assertThat(recovered.offsetForTimestamp(0)).isZero();
        assertThat(recovered.offsetForTimestamp(17_001)).isEqualTo(52);
        assertThat(recovered.offsetForTimestamp(39_002)).isEqualTo(119);
        assertThat(recovered.offsetForTimestamp(39_003)).isEqualTo(120);
    }

    @Test
    void shouldRebuildAnOlderSegmentsIndexThatFailsItsSanityCheck() throws Exception {
        LogConfig small = config(1024, 128);
        List<String> values = writeBatches(30, small);
        List<Long> bases = segmentBases(dir);
        long oldest = bases.getFirst();
        Path index = indexFile(dir, oldest);
        byte[] original = Files.readAllBytes(index);
        assertThat(original).isNotEmpty();
        // an entry pointing past the end of its log, as an index that ran ahead of a lost log write would
        ByteBuffer bad = ByteBuffer.allocate(OffsetIndex.ENTRY_SIZE).putInt(1).putInt(1 << 20).flip();
        Files.write(index, bad.array());

        PartitionLog recovered = reopen(small).log();

        assertThat(manager.openedAfterCleanShutdown()).isTrue();
        assertThat(Files.readAllBytes(index)).isEqualTo(original);
        assertThat(recovered.logEndOffset()).isEqualTo(90);
        assertThat(values(readAll(recovered, 0))).isEqualTo(values);
    }

    @Test
    void shouldRebuildAnOffsetIndexOverwrittenWithOnesBytesAfterACrash() throws Exception {
        assertAnOffsetIndexOverwrittenWithOnesBytesIsRebuilt(false);
    }

    @Test
    void shouldRebuildAnOffsetIndexOverwrittenWithOnesBytesAfterACleanShutdown() throws Exception {
        assertAnOffsetIndexOverwrittenWithOnesBytesIsRebuilt(true);
    }

    /**
     * Every entry of the first segment's index becomes (-1 -> -1): negative positions that must not steer the
     * open-time header scan off the file. The partition opens, with its index rebuilt as it was.
     */
    void assertAnOffsetIndexOverwrittenWithOnesBytesIsRebuilt(boolean cleanShutdown) throws Exception {
        LogConfig small = config(1024, 128);
        List<String> values = new ArrayList<>(writeBatches(40, small));
        List<Long> bases = segmentBases(dir);
        assertThat(bases.size()).as("segments").isGreaterThanOrEqualTo(3);
        Path index = indexFile(dir, 0);
        byte[] original = Files.readAllBytes(index);
        assertThat(original.length).isGreaterThanOrEqualTo(2 * OffsetIndex.ENTRY_SIZE);
        byte[] garbled = new byte[original.length];
        Arrays.fill(garbled, (byte) 0xFF);
        Files.write(index, garbled);
        if (!cleanShutdown) {
            forgetCleanShutdown();
        }

        PartitionWriter writer = reopen(small);
        PartitionLog recovered = writer.log();

        assertThat(manager.openedAfterCleanShutdown()).isEqualTo(cleanShutdown);
        assertThat(Files.readAllBytes(index)).as("rebuilt index").isEqualTo(original);
        assertThat(segmentBases(dir)).isEqualTo(bases);
        assertThat(recovered.logEndOffset()).isEqualTo(120);
        for (long offset = 0; offset < 120; offset++) {
            ByteBuffer read = recovered.read(offset, 1).batches();
            assertThat(RecordBatch.baseOffset(read, 0)).as("batch holding %d", offset).isEqualTo(offset / 3 * 3);
        }
        assertThat(recovered.offsetForTimestamp(5_001)).isEqualTo(16);
        assertThat(values(readAll(recovered, 0))).isEqualTo(values);
        for (int i = 0; i < 5; i++) {
            assertThat(append(writer, batch(50_000 + i, "new" + i, "new" + i + "'"))).isEqualTo(120 + 2 * i);
            values.addAll(List.of("new" + i, "new" + i + "'"));
        }
        manager.close();
        PartitionLog afterCleanRestart = reopen(small).log();

        List<Record> records = readAll(afterCleanRestart, 0);
        assertThat(offsets(records)).isEqualTo(range(0, 130));
        assertThat(values(records)).isEqualTo(values);
    }

    // ---- (d) leftovers ----

    @Test
    void shouldRemoveOrphanIndexesAndDeletedFilesWhenOpening() throws Exception {
        List<String> values = writeBatches(5, CONFIG);
        Files.write(dir.resolve("00000000000000000500.index"), new byte[16]);
        Files.write(dir.resolve("00000000000000000500.timeindex"), new byte[24]);
        Files.write(dir.resolve("00000000000000000077.log.deleted"), new byte[100]);
        Files.write(dir.resolve("00000000000000000077.index.deleted"), new byte[8]);
        Files.write(dir.resolve("00000000000000000077.timeindex.deleted"), new byte[12]);
        forgetCleanShutdown();

        PartitionLog recovered = reopen(CONFIG).log();

        assertThat(fileNames(dir)).containsExactly("00000000000000000000.index", "00000000000000000000.log",
                "00000000000000000000.timeindex");
        assertThat(values(readAll(recovered, 0))).isEqualTo(values);
    }

    @Test
    void shouldRemoveLeftoversAfterACleanShutdownToo() throws Exception {
        writeBatches(5, CONFIG);
        Files.write(dir.resolve("00000000000000000500.index"), new byte[16]);
        Files.write(dir.resolve("00000000000000000003.log.deleted"), new byte[100]);

        reopen(CONFIG);

        assertThat(manager.openedAfterCleanShutdown()).isTrue();
        assertThat(fileNames(dir)).containsExactly("00000000000000000000.index", "00000000000000000000.log",
                "00000000000000000000.timeindex");
    }

    @Test
    void shouldStartAFreshLogInADirectoryWithoutSegments() throws Exception {
        dir = dataDir.resolve("events-0");
        Files.createDirectories(dir);
        Files.write(dir.resolve("00000000000000000000.index"), new byte[8]);

        PartitionWriter writer = reopen(CONFIG);

        assertThat(writer.log().logStartOffset()).isZero();
        assertThat(writer.log().logEndOffset()).isZero();
        assertThat(Files.size(indexFile(dir, 0))).isZero();
        assertThat(append(writer, batch(1, "first"))).isZero();
    }

    // ---- (e) clean shutdown ----

    @Test
    void shouldOpenWithAllDataAfterACleanShutdown() throws Exception {
        LogConfig small = config(1024, 128);
        List<String> values = writeBatches(30, small);
        assertThat(Files.exists(dataDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER))).isTrue();

        PartitionWriter writer = reopen(small);

        assertThat(manager.openedAfterCleanShutdown()).isTrue();
        assertThat(Files.exists(dataDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER)))
                .as("the marker is removed on open, so a crash from now on is noticed").isFalse();
        assertThat(writer.log().logEndOffset()).isEqualTo(90);
        assertThat(values(readAll(writer.log(), 0))).isEqualTo(values);
        assertThat(writer.log().offsetForTimestamp(29_000)).isEqualTo(87);
        assertThat(append(writer, batch(1, "after"))).isEqualTo(90);
    }

    @Test
    void shouldTrustTheLogWithoutRescanningAfterACleanShutdown() throws Exception {
        writeBatches(10, CONFIG);
        Path log = logFile(dir, 0);
        int fourth = batchStarts(log).get(3);
        long size = Files.size(log);
        flipByte(log, fourth + BatchLayout.RECORDS_OFFSET + 5);

        PartitionLog opened = reopen(CONFIG).log();

        // the fast path reads batch headers only: a CRC error inside a record goes unnoticed, unlike after a crash
        assertThat(opened.logEndOffset()).isEqualTo(30);
        assertThat(Files.size(log)).isEqualTo(size);
        ByteBuffer stored = opened.read(9, 1).batches();
        assertThat(RecordBatch.check(stored, 0, stored.limit(), Integer.MAX_VALUE))
                .isEqualTo(dev.minikafka.protocol.BatchCheck.BAD_CRC);
    }
}
