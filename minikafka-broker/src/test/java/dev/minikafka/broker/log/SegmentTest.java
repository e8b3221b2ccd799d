package dev.minikafka.broker.log;

import static dev.minikafka.broker.log.LogTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.minikafka.protocol.BatchLayout;
import dev.minikafka.protocol.RecordBatch;

/** One segment file and its indexes, driven the way the partition writer drives it. */
class SegmentTest {

    @TempDir
    Path dir;

    final List<Segment> opened = new ArrayList<>();

    @AfterEach
    void closeSegments() throws Exception {
        for (Segment segment : opened) {
            segment.close();
        }
    }

    Segment create(long base) throws Exception {
        Segment segment = Segment.create(dir, base, 0);
        opened.add(segment);
        return segment;
    }

    /** What the partition writer does for one batch: assign the offset, index it, write it, publish it. */
    static void append(Segment segment, ByteBuffer batch, int indexInterval) throws Exception {
        long base = segment.nextOffset();
        int size = batch.remaining();
        RecordBatch.setBaseOffset(batch, 0, base);
        segment.indexBatch(base, RecordBatch.maxTimestamp(batch, 0), segment.size(), size, indexInterval);
        segment.write(new ByteBuffer[] {batch}, 1, size, RecordBatch.lastOffset(batch, 0) + 1);
    }

    @Test
    void shouldCreateThreeFilesNamedByTheBaseOffset() throws Exception {
        Segment segment = create(1234);

        assertThat(fileNames(dir)).containsExactly("00000000000000001234.index", "00000000000000001234.log",
                "00000000000000001234.timeindex");
        assertThat(segment.baseOffset()).isEqualTo(1234);
        assertThat(segment.nextOffset()).isEqualTo(1234);
        assertThat(segment.isEmpty()).isTrue();
        assertThat(segment.maxTimestamp()).isEqualTo(-1);
    }

    @Test
    void shouldContinueOffsetsFromTheBaseOffsetAndTrackSizeAndMaxTimestamp() throws Exception {
        Segment segment = create(1000);
        ByteBuffer first = batch(500, "a", "b");
        ByteBuffer second = batch(new long[] {900, 300}, "c", "d");
        int total = first.remaining() + second.remaining();

        append(segment, first, 4096);
        append(segment, second, 4096);

        assertThat(segment.nextOffset()).isEqualTo(1004);
        assertThat(segment.size()).isEqualTo(total);
        assertThat(Files.size(logFile(dir, 1000))).isEqualTo(total);
        assertThat(segment.maxTimestamp()).isEqualTo(900);
        ByteBuffer read = segment.read(1002, 1 << 20);
        assertThat(offsets(RecordBatch.decodeAll(read, 0))).containsExactly(1002L, 1003L);
    }

    @Test
    void shouldReturnNothingForAnOffsetPastItsLastBatch() throws Exception {
        Segment segment = create(0);
        append(segment, batch(1, "a", "b"), 4096);

        assertThat(segment.read(2, 1024).hasRemaining()).isFalse();
        assertThat(segment.read(1, 1024).hasRemaining()).isTrue();
    }

    @Test
    void shouldIndexBatchStartsAboutEveryIndexIntervalBytes() throws Exception {
        Segment segment = create(500);
        int interval = 1000;
        for (int i = 0; i < 60; i++) {
            append(segment, sizedBatch(i, 100 + (i % 7) * 30), interval);
        }
        segment.close();
        opened.clear();

        long indexBytes = Files.size(indexFile(dir, 500));
        assertThat(indexBytes % OffsetIndex.ENTRY_SIZE).isZero();
        int entries = (int) (indexBytes / OffsetIndex.ENTRY_SIZE);
        long logBytes = Files.size(logFile(dir, 500));
        assertThat(entries).isBetween((int) (logBytes / (interval + 400)), (int) (logBytes / interval) + 2);

        ByteBuffer index = ByteBuffer.wrap(Files.readAllBytes(indexFile(dir, 500)));
        ByteBuffer log = ByteBuffer.wrap(Files.readAllBytes(logFile(dir, 500)));
        List<Integer> batchStarts = new ArrayList<>();
        for (int pos = 0; pos < log.limit(); pos += RecordBatch.sizeInBytes(log, pos)) {
            batchStarts.add(pos);
        }
        int previous = -1;
        for (int i = 0; i < entries; i++) {
            int relative = index.getInt();
            int position = index.getInt();
            assertThat(batchStarts).as("entry %d points at a batch start", i).contains(position);
            assertThat(RecordBatch.baseOffset(log, position)).as("entry %d offset", i).isEqualTo(500L + relative);
            assertThat(position).isGreaterThan(previous);
            previous = position;
        }
    }

    @Test
    void shouldReadOnlyWholeBatchesUpToItsPublishedSize() throws Exception {
        Segment segment = create(0);
        append(segment, batch(1, "a"), 4096);
        append(segment, batch(2, "b"), 4096);
        int published = segment.size();
        // bytes in the file that were never published, as a torn write would leave them
        try (FileChannel channel = FileChannel.open(logFile(dir, 0), StandardOpenOption.WRITE)) {
            channel.write(batch(3, "c"), published);
        }

        ByteBuffer read = segment.read(0, 1 << 20);

        assertThat(read.remaining()).isEqualTo(published);
        assertThat(values(RecordBatch.decodeAll(read, 0))).containsExactly("a", "b");
    }

    @Test
    void shouldTruncateToABatchBoundaryAndAcceptAppendsFromThere() throws Exception {
        Segment segment = create(0);
        append(segment, batch(1, "a", "b"), 1);
        int boundary = segment.size();
        append(segment, batch(2, "c"), 1);
        append(segment, batch(3, "d"), 1);

        segment.truncateTo(boundary, 2);

        assertThat(segment.size()).isEqualTo(boundary);
        assertThat(segment.nextOffset()).isEqualTo(2);
        assertThat(Files.size(logFile(dir, 0))).isEqualTo(boundary);
        assertThat(Files.size(indexFile(dir, 0))).as("entries for cut batches are gone").isZero();
        append(segment, batch(4, "e"), 1);
        assertThat(values(RecordBatch.decodeAll(segment.read(0, 1 << 20), 0))).containsExactly("a", "b", "e");
        assertThat(offsets(RecordBatch.decodeAll(segment.read(0, 1 << 20), 0))).containsExactly(0L, 1L, 2L);
    }

    @Test
    void shouldReopenWithTheSameNextOffsetSizeAndMaxTimestamp() throws Exception {
        Segment segment = create(10);
        for (int i = 0; i < 30; i++) {
            append(segment, batch(new long[] {1000 + i, 5000 - i}, "a" + i, "b" + i), 200);
        }
        long next = segment.nextOffset();
        int size = segment.size();
        segment.close();
        opened.clear();

        Segment reopened = Segment.open(dir, 10, 0);
        opened.add(reopened);

        assertThat(reopened.nextOffset()).isEqualTo(next).isEqualTo(70);
        assertThat(reopened.size()).isEqualTo(size);
        assertThat(reopened.maxTimestamp()).isEqualTo(5000);
        assertThat(reopened.indexProblem()).isNull();
        append(reopened, batch(1, "more"), 200);
        assertThat(offsets(RecordBatch.decodeAll(reopened.read(69, 1 << 20), 69))).containsExactly(69L, 70L);
    }

    @Test
    void shouldRecoverEveryBatchOfAnIntactSegmentAndRebuildTheSameIndexes() throws Exception {
        Segment segment = create(0);
        for (int i = 0; i < 40; i++) {
            append(segment, batch(i * 10, "a" + i, "b" + i, "c" + i), 300);
        }
        segment.close();
        opened.clear();
        byte[] index = Files.readAllBytes(indexFile(dir, 0));
        byte[] timeIndex = Files.readAllBytes(timeIndexFile(dir, 0));
        assertThat(index).isNotEmpty();
        assertThat(timeIndex).isNotEmpty();

        Segment reopened = Segment.open(dir, 0, 0);
        opened.add(reopened);
        long cut = reopened.recover(300);

        assertThat(cut).isZero();
        assertThat(reopened.nextOffset()).isEqualTo(120);
        assertThat(reopened.maxTimestamp()).isEqualTo(392);
        assertThat(Files.readAllBytes(indexFile(dir, 0))).isEqualTo(index);
        assertThat(Files.readAllBytes(timeIndexFile(dir, 0))).isEqualTo(timeIndex);
    }

    @Test
    void shouldCutAtTheFirstBatchFailingItsCrcWhenRecovering() throws Exception {
        Segment segment = create(0);
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            starts.add(segment.size());
            append(segment, batch(i, "a" + i, "b" + i), 4096);
        }
        long fileSize = segment.size();
        segment.close();
        opened.clear();
        try (FileChannel channel = FileChannel.open(logFile(dir, 0), StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            int target = starts.get(2) + BatchLayout.RECORDS_OFFSET + 3;
            channel.read(one, target);
            one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
            channel.write(one, target);
        }

        Segment reopened = Segment.open(dir, 0, 0);
        opened.add(reopened);
        long cut = reopened.recover(4096);

        assertThat(cut).isEqualTo(fileSize - starts.get(2));
        assertThat(reopened.nextOffset()).isEqualTo(4);
        assertThat(reopened.size()).isEqualTo(starts.get(2));
        assertThat(Files.size(logFile(dir, 0))).isEqualTo((long) starts.get(2));
    }
}
