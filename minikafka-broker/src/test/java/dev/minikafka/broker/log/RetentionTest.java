package dev.minikafka.broker.log;

import static dev.minikafka.broker.log.LogTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention by time and by size, run by the log manager against its injectable clock. */
class RetentionTest {

    static final long T0 = 1_700_000_000_000L;
    /** One batch of this value size fills a 1 KiB segment, so every segment holds exactly one batch. */
    static final int VALUE_BYTES = 600;

    @TempDir
    Path dataDir;

    final AtomicLong clock = new AtomicLong(T0);
    LogManager manager;
    Path dir;

    @BeforeEach
    void open() throws Exception {
        manager = openManager(dataDir, clock::get);
        dir = dataDir.resolve("events-0");
    }

    @AfterEach
    void close() throws Exception {
        manager.close();
    }

    /** A one-record batch of exactly {@code bytes} bytes, its value sized to fit. */
    static ByteBuffer batchOfSize(long timestamp, int bytes) {
        for (int valueBytes = 0; valueBytes < bytes; valueBytes++) {
            ByteBuffer batch = sizedBatch(timestamp, valueBytes);
            if (batch.remaining() == bytes) {
                return batch;
            }
        }
        throw new AssertionError("no one-record batch is exactly " + bytes + " bytes");
    }

    PartitionWriter writerWith(long retentionMs, long retentionBytes) throws Exception {
        return manager.getOrCreate("events", 0, config(1024, 4096).withRetention(retentionMs, retentionBytes));
    }

    @Test
    void shouldDeleteWholeClosedSegmentsWhoseNewestRecordIsOlderThanRetentionMs() throws Exception {
        PartitionWriter writer = writerWith(HOUR_MS, -1);
        append(writer, sizedBatch(T0, VALUE_BYTES));
        append(writer, sizedBatch(T0 + 1000, VALUE_BYTES));
        append(writer, sizedBatch(T0 + 30 * 60_000, VALUE_BYTES));
        append(writer, sizedBatch(T0, VALUE_BYTES));
        assertThat(segmentBases(dir)).containsExactly(0L, 1L, 2L, 3L);

        clock.set(T0 + 1000 + HOUR_MS);
        manager.applyRetention();
        assertThat(segmentBases(dir)).as("exactly retention.ms old is kept").containsExactly(1L, 2L, 3L);

        clock.set(T0 + 1001 + HOUR_MS);
        manager.applyRetention();

        PartitionLog log = writer.log();
        assertThat(segmentBases(dir)).containsExactly(2L, 3L);
        assertThat(log.logStartOffset()).isEqualTo(2);
        assertThat(log.logEndOffset()).isEqualTo(4);
        assertThat(log.segmentCount()).isEqualTo(2);
        assertThat(offsets(readAll(log, 2))).containsExactly(2L, 3L);
        assertThatThrownBy(() -> log.read(1, 1024)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void shouldStopAtTheFirstSegmentThatIsStillWithinRetentionMs() throws Exception {
        PartitionWriter writer = writerWith(HOUR_MS, -1);
        append(writer, sizedBatch(T0 + 2 * HOUR_MS, VALUE_BYTES));
        append(writer, sizedBatch(T0, VALUE_BYTES));
        append(writer, sizedBatch(T0, VALUE_BYTES));

        clock.set(T0 + 2 * HOUR_MS);
        manager.applyRetention();

        assertThat(segmentBases(dir)).as("only a prefix of the log is ever deleted").containsExactly(0L, 1L, 2L);
        assertThat(writer.log().logStartOffset()).isZero();
    }

    @Test
    void shouldRenameTheFilesOfRemovedSegmentsToDeleted() throws Exception {
        PartitionWriter writer = writerWith(HOUR_MS, -1);
        append(writer, sizedBatch(T0, VALUE_BYTES));
        append(writer, sizedBatch(T0 + 2 * HOUR_MS, VALUE_BYTES));

        clock.set(T0 + 2 * HOUR_MS);
        manager.applyRetention();

        assertThat(fileNames(dir)).containsExactlyInAnyOrder(
                "00000000000000000000.log.deleted", "00000000000000000000.index.deleted",
                "00000000000000000000.timeindex.deleted",
                "00000000000000000001.log", "00000000000000000001.index", "00000000000000000001.timeindex");
        assertThat(writer.log().logStartOffset()).isEqualTo(1);
    }

    @Test
    void shouldNeverDeleteTheActiveSegmentForRetentionBytes() throws Exception {
        PartitionWriter writer = writerWith(-1, 10);
        append(writer, batch(T0, "a", "b"));

        clock.set(T0 + 10 * HOUR_MS);
        manager.applyRetention();
        assertThat(segmentBases(dir)).containsExactly(0L);
        assertThat(writer.log().logEndOffset()).isEqualTo(2);

        append(writer, sizedBatch(T0, VALUE_BYTES));
        append(writer, sizedBatch(T0, VALUE_BYTES));
        manager.applyRetention();

        assertThat(segmentBases(dir)).containsExactly(3L);
        assertThat(writer.log().logStartOffset()).isEqualTo(3);
        assertThat(offsets(readAll(writer.log(), 3))).containsExactly(3L);
    }

    @Test
    void shouldRollAndDeleteTheActiveSegmentOfAnIdlePartitionOnceAllOfItHasExpired() throws Exception {
        PartitionWriter writer = writerWith(HOUR_MS, -1);
        append(writer, batch(T0, "a", "b", "c"));
        PartitionLog log = writer.log();

        clock.set(T0 + 2 + HOUR_MS);
        manager.applyRetention();
        assertThat(segmentBases(dir)).as("exactly retention.ms old is kept").containsExactly(0L);

        clock.set(T0 + 3 + HOUR_MS);
        manager.applyRetention();

        awaitLogStart(log, 3);
        assertThat(log.logEndOffset()).isEqualTo(3);
        awaitSegmentBases(3L);
        assertThat(log.read(3, 1024).batches().hasRemaining()).isFalse();
        assertThatThrownBy(() -> log.read(2, 1024)).isInstanceOf(OffsetOutOfRangeException.class)
                .hasMessageContaining("3..3");
        assertThat(append(writer, batch(clock.get(), "d"))).isEqualTo(3);
        assertThat(values(readAll(log, 3))).containsExactly("d");

        manager.close();
        manager = openManager(dataDir, clock::get);
        PartitionLog reopened = writerWith(HOUR_MS, -1).log();
        assertThat(reopened.logStartOffset()).isEqualTo(3);
        assertThat(values(readAll(reopened, 3))).containsExactly("d");
    }

    /** Retention deletes a rolled active segment on its own thread, after the writer's roll. */
    static void awaitLogStart(PartitionLog log, long offset) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (log.logStartOffset() != offset && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(log.logStartOffset()).as("log start after retention").isEqualTo(offset);
    }

    /** The segment leaves the log before its files are marked deleted, both on retention's thread. */
    private void awaitSegmentBases(Long... bases) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (!segmentBases(dir).equals(List.of(bases)) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(segmentBases(dir)).as("segment files after retention").containsExactly(bases);
    }

    @Test
    void shouldDeleteTheOldestSegmentsWhileTheLogIsLargerThanRetentionBytes() throws Exception {
        PartitionWriter writer = writerWith(-1, 0);
        for (int i = 0; i < 5; i++) {
            append(writer, sizedBatch(T0, VALUE_BYTES));
        }
        long segmentSize = Files.size(logFile(dir, 0));
        writer.log().updateConfig(config(1024, 4096).withRetention(-1, 2 * segmentSize + 10));

        manager.applyRetention();

        assertThat(segmentBases(dir)).containsExactly(2L, 3L, 4L);
        assertThat(writer.log().sizeInBytes()).isEqualTo(3 * segmentSize);
        assertThat(writer.log().logStartOffset()).isEqualTo(2);
    }

    @Test
    void shouldKeepExactlyRetentionBytesWhenSegmentsAddUpToIt() throws Exception {
        PartitionWriter writer = writerWith(-1, -1);
        for (int i = 0; i < 5; i++) {
            append(writer, sizedBatch(T0, VALUE_BYTES));
        }
        long segmentSize = Files.size(logFile(dir, 0));
        manager.getOrCreate("events", 0, config(1024, 4096).withRetention(-1, 2 * segmentSize));

        manager.applyRetention();

        assertThat(segmentBases(dir)).containsExactly(3L, 4L);
        assertThat(writer.log().sizeInBytes()).isEqualTo(2 * segmentSize);
    }

    @Test
    void shouldCountSegmentsDeletedByTimeAgainstTheExcessOverRetentionBytes() throws Exception {
        PartitionWriter writer = writerWith(HOUR_MS, 2348);
        long later = T0 + 3 * HOUR_MS;
        append(writer, batchOfSize(T0, 866));
        append(writer, batchOfSize(later, 216));
        append(writer, batchOfSize(later, 966));
        append(writer, batchOfSize(later, 966));
        List<Long> bases = segmentBases(dir);
        assertThat(bases).containsExactly(0L, 1L, 2L, 3L);
        assertThat(bases.stream().map(base -> logFile(dir, base).toFile().length()).toList())
                .containsExactly(866L, 216L, 966L, 966L);

        clock.set(T0 + 2 * HOUR_MS);
        manager.applyRetention();

        // 3014 bytes, 666 over retention.bytes: deleting the expired 866-byte segment already makes up for that
        assertThat(segmentBases(dir)).containsExactly(1L, 2L, 3L);
        assertThat(writer.log().logStartOffset()).isEqualTo(1);
        assertThat(writer.log().sizeInBytes()).isEqualTo(216 + 966 + 966);
        assertThat(offsets(readAll(writer.log(), 1))).containsExactly(1L, 2L, 3L);
    }

    @Test
    void shouldDeleteTheFilesOfRemovedSegmentsWhenClosedBeforeTheGracePeriodEnds() throws Exception {
        PartitionWriter writer = writerWith(HOUR_MS, -1);
        for (int i = 0; i < 3; i++) {
            append(writer, sizedBatch(i < 2 ? T0 : T0 + 2 * HOUR_MS, VALUE_BYTES)); // the active segment's is not expired
        }
        clock.set(T0 + 2 * HOUR_MS);
        manager.applyRetention();
        assertThat(fileNames(dir)).anyMatch(name -> name.endsWith(Segment.DELETED_SUFFIX));

        manager.close();

        assertThat(fileNames(dir)).noneMatch(name -> name.endsWith(Segment.DELETED_SUFFIX));
        assertThat(fileNames(dir)).containsExactly("00000000000000000002.index", "00000000000000000002.log",
                "00000000000000000002.timeindex");
    }

    @Test
    void shouldKeepEverythingWhenRetentionIsUnbounded() throws Exception {
        PartitionWriter writer = writerWith(-1, -1);
        for (int i = 0; i < 4; i++) {
            append(writer, sizedBatch(0, VALUE_BYTES));
        }

        clock.set(Long.MAX_VALUE / 2);
        manager.applyRetention();

        assertThat(segmentBases(dir)).containsExactly(0L, 1L, 2L, 3L);
        assertThat(writer.log().logStartOffset()).isZero();
    }

    @Test
    void shouldRemoveTheLeftoversOfRetentionWhenTheLogIsOpenedAgain() throws Exception {
        PartitionWriter writer = writerWith(HOUR_MS, -1);
        for (int i = 0; i < 3; i++) {
            append(writer, sizedBatch(i < 2 ? T0 : T0 + 2 * HOUR_MS, VALUE_BYTES)); // the active segment's is not expired
        }
        clock.set(T0 + 2 * HOUR_MS);
        manager.applyRetention();
        assertThat(fileNames(dir)).anyMatch(name -> name.endsWith(".deleted"));
        manager.close();
        Files.deleteIfExists(dataDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER)); // as if the broker had crashed

        manager = openManager(dataDir, clock::get);
        PartitionWriter reopened = writerWith(HOUR_MS, -1);

        assertThat(fileNames(dir)).noneMatch(name -> name.endsWith(".deleted"));
        assertThat(segmentBases(dir)).containsExactly(2L);
        assertThat(reopened.log().logStartOffset()).isEqualTo(2);
        assertThat(append(reopened, batch(T0, "next"))).isEqualTo(3);
    }

    @Test
    void shouldAnswerOutOfRangeWhenRetentionRemovesTheSegmentBetweenTheRangeCheckAndTheLookUp(@TempDir Path raceDir)
            throws Exception {
        RacingSegments segments = new RacingSegments();
        PartitionLog log = new PartitionLog("race-0", raceDir, List.of(Segment.create(raceDir, 0, T0)),
                config(1024, 4096).withRetention(HOUR_MS, -1), RecoveryPoint.start(0), segments);
        PartitionWriter writer = directWriter(log, clock::get);
        append(writer, sizedBatch(T0, VALUE_BYTES));
        append(writer, sizedBatch(T0 + 2 * HOUR_MS, VALUE_BYTES));
        clock.set(T0 + 2 * HOUR_MS);
        List<Segment> removed = new ArrayList<>();
        segments.beforeNextLookUp = () -> {
            try {
                removed.addAll(log.removeExpiredSegments(clock.get()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        try {
            assertThatThrownBy(() -> log.read(0, 1024)).isInstanceOf(OffsetOutOfRangeException.class)
                    .hasMessageContaining("valid offsets are 1..2");
            assertThat(removed).as("segments retention removed during the read").hasSize(1);
        } finally {
            for (Segment segment : removed) {
                segment.deleteFiles();
            }
            log.close();
        }
    }

    /** A segment map that runs {@link #beforeNextLookUp} once, at the next floorEntry: a read's race, made certain. */
    static final class RacingSegments extends ConcurrentSkipListMap<Long, Segment> {
        Runnable beforeNextLookUp;

        @Override
        public Map.Entry<Long, Segment> floorEntry(Long key) {
            Runnable race = beforeNextLookUp;
            beforeNextLookUp = null;
            if (race != null) {
                race.run();
            }
            return super.floorEntry(key);
        }
    }
}
