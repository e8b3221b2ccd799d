package dev.minikafka.broker.log;

import static dev.minikafka.broker.log.LogTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.minikafka.protocol.BatchCheck;
import dev.minikafka.protocol.Header;
import dev.minikafka.protocol.Record;
import dev.minikafka.protocol.RecordBatch;

/** Appends and reads through the log manager and a partition writer, as the produce and fetch paths use them. */
class PartitionLogTest {

    @TempDir
    Path dataDir;

    final AtomicLong clock = new AtomicLong(1_000_000L);
    LogManager manager;

    @BeforeEach
    void open() throws Exception {
        manager = openManager(dataDir, clock::get);
    }

    @AfterEach
    void close() throws Exception {
        manager.close();
    }

    @Test
    void shouldAssignDenseIncreasingOffsetsAcrossBatchesOfDifferentSizes() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, LogConfig.defaults());

        long first = append(writer, batch(100, "a", "b", "c"));
        long second = append(writer, batch(200, "d"));
        long third = append(writer, batch(300, "e", "f"));

        assertThat(List.of(first, second, third)).containsExactly(0L, 3L, 4L);
        PartitionLog log = writer.log();
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.logEndOffset()).isEqualTo(6);
        List<Record> records = readAll(log, 0);
        assertThat(offsets(records)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(values(records)).containsExactly("a", "b", "c", "d", "e", "f");
        assertThat(records.get(4).timestamp()).isEqualTo(300);
    }

    @Test
    void shouldAssignOffsetsToEveryBatchOfOneRequest() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, LogConfig.defaults());
        ByteBuffer one = batch(1, "a", "b");
        ByteBuffer two = batch(2, "c", "d", "e");
        ByteBuffer request = ByteBuffer.allocate(one.remaining() + two.remaining()).put(one).put(two).flip();

        long base = append(writer, request);

        assertThat(base).isZero();
        ByteBuffer stored = writer.log().read(0, 1 << 20).batches();
        assertThat(RecordBatch.baseOffset(stored, 0)).isZero();
        int secondPos = RecordBatch.sizeInBytes(stored, 0);
        assertThat(RecordBatch.baseOffset(stored, secondPos)).isEqualTo(2);
        assertThat(offsets(readAll(writer.log(), 0))).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void shouldWriteTheOffsetsOfARequestItMayNotChangeBesideItsBytes() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, LogConfig.defaults());
        append(writer, batch(1, "x"));
        ByteBuffer one = batch(1, "a", "b");
        ByteBuffer two = batch(2, "c", "d", "e");
        ByteBuffer received = ByteBuffer.allocate(one.remaining() + two.remaining()).put(one).put(two).flip()
                .asReadOnlyBuffer(); // as gRPC's bytes reach the log

        long base = append(writer, received);

        assertThat(base).isEqualTo(1);
        ByteBuffer stored = writer.log().read(0, 1 << 20).batches();
        int second = RecordBatch.sizeInBytes(stored, 0);
        int third = second + RecordBatch.sizeInBytes(stored, second);
        assertThat(RecordBatch.baseOffset(stored, second)).isEqualTo(1);
        assertThat(RecordBatch.baseOffset(stored, third)).isEqualTo(3);
        assertThat(RecordBatch.checkAll(stored, 0, stored.limit(), 1 << 20)).isEqualTo(BatchCheck.OK);
        assertThat(offsets(readAll(writer.log(), 0))).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(values(readAll(writer.log(), 0))).containsExactly("x", "a", "b", "c", "d", "e");
        assertThat(RecordBatch.baseOffset(received, one.limit())).as("the received bytes are left as they came").isZero();
    }

    @Test
    void shouldStampLogAppendTimeIntoACopyOfARequestItMayNotChange() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, withLogAppendTime(LogConfig.defaults()));
        clock.set(5_000_000L);
        ByteBuffer received = batch(7, "a", "b").asReadOnlyBuffer();

        append(writer, received);

        ByteBuffer stored = writer.log().read(0, 1024).batches();
        assertThat(RecordBatch.checkAll(stored, 0, stored.limit(), 1 << 20)).isEqualTo(BatchCheck.OK);
        assertThat(RecordBatch.decodeAll(stored, 0)).extracting(Record::timestamp).containsExactly(5_000_000L, 5_000_000L);
        assertThat(RecordBatch.isLogAppendTime(received, 0)).as("the received bytes are left as they came").isFalse();
    }

    @Test
    void shouldReadEveryOffsetRightWhenAnIndexEntryInsideTheFilePointsIntoABatch() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, config(1 << 20, 128));
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            written.add("v" + i + "-" + "x".repeat(150));
            append(writer, batch(i, written.getLast()));
        }
        manager.close();
        Path index = indexFile(dataDir.resolve("orders-0"), 0);
        ByteBuffer entries = ByteBuffer.wrap(Files.readAllBytes(index));
        assertThat(entries.limit()).as("several entries").isGreaterThanOrEqualTo(3 * OffsetIndex.ENTRY_SIZE);
        int second = OffsetIndex.ENTRY_SIZE + 4; // entry 1's position: still increasing, inside the log, mid-batch
        entries.putInt(second, entries.getInt(second) + 1);
        Files.write(index, entries.array());

        manager = openManager(dataDir, clock::get);
        PartitionLog log = manager.getOrCreate("orders", 0, config(1 << 20, 128)).log();
        for (int offset = 0; offset < written.size(); offset++) {
            List<Record> read = RecordBatch.decodeAll(log.read(offset, 1).batches(), offset);
            assertThat(read).as("read at " + offset).isNotEmpty();
            assertThat(read.getFirst().valueAsString()).as("read at " + offset).isEqualTo(written.get(offset));
        }
    }

    @Test
    void shouldKeepKeysNullValuesAndHeadersAsProduced() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, LogConfig.defaults());
        append(writer, batch(42, "customer-7", "paid", List.of(Header.of("trace", "abc"), Header.of("empty", null))));
        append(writer, batch(43, null, null, List.of()));

        List<Record> records = readAll(writer.log(), 0);

        assertThat(records).hasSize(2);
        assertThat(records.get(0).keyAsString()).isEqualTo("customer-7");
        assertThat(records.get(0).valueAsString()).isEqualTo("paid");
        assertThat(records.get(0).timestamp()).isEqualTo(42);
        assertThat(records.get(0).headers()).extracting(Header::key).containsExactly("trace", "empty");
        assertThat(records.get(0).headers().get(0).valueAsString()).isEqualTo("abc");
        assertThat(records.get(0).headers().get(1).value()).isNull();
        assertThat(records.get(1).key()).isNull();
        assertThat(records.get(1).value()).isNull();
    }

    @Test
    void shouldRollToANewSegmentBeforeTheActiveOneWouldExceedSegmentBytes() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, config(1024, 4096));
        int batchSize = sizedBatch(0, 300).remaining();
        for (int i = 0; i < 10; i++) {
            append(writer, sizedBatch(i, 300));
        }

        Path dir = dataDir.resolve("orders-0");
        int perSegment = 1024 / batchSize;
        List<Long> expectedBases = new ArrayList<>();
        for (long base = 0; base < 10; base += perSegment) {
            expectedBases.add(base);
        }
        assertThat(segmentBases(dir)).isEqualTo(expectedBases);
        assertThat(writer.log().segmentCount()).isEqualTo(expectedBases.size());
        for (long base : expectedBases) {
            assertThat(Files.size(logFile(dir, base))).isLessThanOrEqualTo(1024).isPositive();
        }
        assertThat(writer.log().sizeInBytes()).isEqualTo(10L * batchSize);
        assertThat(offsets(readAll(writer.log(), 0))).isEqualTo(range(0, 10));
    }

    @Test
    void shouldNameSegmentFilesByTheirTwentyDigitBaseOffset() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 3, config(1024, 4096));
        for (int i = 0; i < 4; i++) {
            append(writer, sizedBatch(i, 600));
        }

        Path dir = dataDir.resolve("orders-3");
        assertThat(fileNames(dir)).contains("00000000000000000000.log", "00000000000000000000.index",
                "00000000000000000000.timeindex", "00000000000000000003.log", "00000000000000000003.index",
                "00000000000000000003.timeindex");
    }

    @Test
    void shouldWriteOneLargeBatchIntoAnEmptySegmentEvenWhenItExceedsSegmentBytes() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, config(1024, 4096));

        append(writer, sizedBatch(0, 3000));
        append(writer, sizedBatch(1, 10));

        assertThat(segmentBases(dataDir.resolve("orders-0"))).containsExactly(0L, 1L);
        assertThat(readAll(writer.log(), 0)).extracting(r -> r.value().length).containsExactly(3000, 10);
    }

    @Test
    void shouldRollByTimeOnTheFirstAppendOnceTheActiveSegmentIsSegmentMsOld() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, withSegmentMs(LogConfig.defaults(), 1000));
        Path dir = dataDir.resolve("orders-0");

        append(writer, batch(1, "a"));
        clock.addAndGet(999);
        append(writer, batch(2, "b"));
        assertThat(segmentBases(dir)).containsExactly(0L);

        clock.addAndGet(1);
        append(writer, batch(3, "c"));
        assertThat(segmentBases(dir)).containsExactly(0L, 2L);

        clock.addAndGet(999);
        append(writer, batch(4, "d"));
        assertThat(segmentBases(dir)).containsExactly(0L, 2L);
        clock.addAndGet(5_000);
        assertThat(segmentBases(dir)).as("a roll happens on append, not on the clock alone").containsExactly(0L, 2L);
        append(writer, batch(5, "e"));
        assertThat(segmentBases(dir)).containsExactly(0L, 2L, 4L);
        assertThat(values(readAll(writer.log(), 0))).containsExactly("a", "b", "c", "d", "e");
    }

    @Test
    void shouldReadAcrossSegmentBoundariesFromAnyOffset() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, config(1024, 256));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String[] values = {"v" + (3 * i), "v" + (3 * i + 1), "v" + (3 * i + 2)};
            append(writer, batch(i, values));
            expected.addAll(List.of(values));
        }
        PartitionLog log = writer.log();
        assertThat(log.segmentCount()).isGreaterThan(3);
        assertThat(log.logEndOffset()).isEqualTo(120);

        assertThat(values(readAll(log, 0))).isEqualTo(expected);
        for (long from : List.of(1L, 59L, 60L, 61L, 100L, 119L)) {
            List<Record> records = readAll(log, from);
            assertThat(offsets(records)).as("offsets read from %d", from).isEqualTo(range(from, 120));
            assertThat(values(records)).isEqualTo(expected.subList((int) from, 120));
        }
    }

    @Test
    void shouldStartAReadWithTheWholeBatchHoldingTheOffset() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, LogConfig.defaults());
        append(writer, batch(1, "a", "b", "c"));
        append(writer, batch(2, "d", "e", "f"));

        ByteBuffer batches = writer.log().read(4, 1 << 20).batches();

        assertThat(RecordBatch.baseOffset(batches, batches.position())).isEqualTo(3);
        assertThat(values(RecordBatch.decodeAll(batches, 0))).containsExactly("d", "e", "f");
        assertThat(values(RecordBatch.decodeAll(batches, 4))).containsExactly("e", "f");
    }

    @Test
    void shouldBoundAReadByMaxBytesButReturnAtLeastOneWholeBatch() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, LogConfig.defaults());
        int size = sizedBatch(0, 500).remaining();
        for (int i = 0; i < 5; i++) {
            append(writer, sizedBatch(i, 500));
        }

        ByteBuffer tiny = writer.log().read(0, 1).batches();
        ByteBuffer twoAndAHalf = writer.log().read(1, size * 2 + size / 2).batches();
        ByteBuffer all = writer.log().read(0, 1 << 20).batches();

        assertThat(tiny.remaining()).isEqualTo(size);
        assertThat(twoAndAHalf.remaining()).isEqualTo(2 * size);
        assertThat(offsets(RecordBatch.decodeAll(twoAndAHalf, 0))).containsExactly(1L, 2L);
        assertThat(all.remaining()).isEqualTo(5 * size);
    }

    @Test
    void shouldReturnNothingWhenReadingAtTheLogEnd() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, LogConfig.defaults());
        assertThat(writer.log().read(0, 1024).batches().hasRemaining()).as("empty log").isFalse();

        append(writer, batch(1, "a", "b"));

        assertThat(writer.log().logEndOffset()).isEqualTo(2);
        assertThat(writer.log().read(2, 1024).batches().remaining()).isZero();
    }

    @Test
    void shouldRejectAReadAboveTheLogEndNamingTheValidRange() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, LogConfig.defaults());
        append(writer, batch(1, "a", "b"));

        assertThatThrownBy(() -> writer.log().read(3, 1024))
                .isInstanceOf(OffsetOutOfRangeException.class)
                .hasMessageContaining("offset 3")
                .hasMessageContaining("orders-0")
                .hasMessageContaining("0..2");
        assertThatThrownBy(() -> writer.log().read(-1, 1024)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void shouldRejectAReadBelowTheLogStartOnceRetentionMovedIt() throws Exception {
        LogConfig config = config(1024, 4096).withRetention(HOUR_MS, -1);
        PartitionWriter writer = manager.getOrCreate("orders", 0, config);
        for (int i = 0; i < 6; i++) {
            // the last, in the active segment, is still within retention
            append(writer, sizedBatch(i < 5 ? clock.get() : clock.get() + 2 * HOUR_MS, 600));
        }
        clock.addAndGet(2 * HOUR_MS);
        manager.applyRetention();
        PartitionLog log = writer.log();
        assertThat(log.logStartOffset()).isEqualTo(5);

        assertThatThrownBy(() -> log.read(4, 1024))
                .isInstanceOf(OffsetOutOfRangeException.class)
                .hasMessageContaining("5..6");
        assertThat(offsets(readAll(log, 5))).containsExactly(5L);
    }

    @Test
    void shouldContinueDenseOffsetsAfterACleanRestart() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, config(1024, 128));
        for (int i = 0; i < 20; i++) {
            append(writer, batch(i, "a" + i, "b" + i));
        }
        manager.close();

        manager = openManager(dataDir, clock::get);
        assertThat(manager.openedAfterCleanShutdown()).isTrue();
        PartitionWriter reopened = manager.getOrCreate("orders", 0, config(1024, 128));
        assertThat(reopened.log().logEndOffset()).isEqualTo(40);
        assertThat(append(reopened, batch(99, "after"))).isEqualTo(40);

        List<Record> records = readAll(reopened.log(), 0);
        assertThat(offsets(records)).isEqualTo(range(0, 41));
        assertThat(records.getLast().valueAsString()).isEqualTo("after");
    }

    @Test
    void shouldStampBatchesWithTheBrokerClockWhenTheTopicUsesLogAppendTime() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, withLogAppendTime(LogConfig.defaults()));
        clock.set(5_000_000L);

        Ack ack = new Ack();
        assertThat(writer.offer(batch(7, "a", "b"), false, ack)).isTrue();

        assertThat(ack.get().logAppendTimeMs()).isEqualTo(5_000_000L);
        ByteBuffer stored = writer.log().read(0, 1024).batches();
        assertThat(RecordBatch.isLogAppendTime(stored, 0)).isTrue();
        assertThat(RecordBatch.decodeAll(stored, 0)).extracting(Record::timestamp).containsExactly(5_000_000L, 5_000_000L);
        assertThat(writer.log().offsetForTimestamp(5_000_000L)).isZero();
        assertThat(writer.log().offsetForTimestamp(5_000_001L)).isEqualTo(2);
    }

    @Test
    void shouldKeepCreateTimeAndReportTheAppendTimeWhenTheTopicUsesCreateTime() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, LogConfig.defaults());
        clock.set(5_000_000L);

        Ack ack = new Ack();
        writer.offer(batch(7, "a"), false, ack);

        assertThat(ack.get().logAppendTimeMs()).isEqualTo(5_000_000L);
        assertThat(readAll(writer.log(), 0)).extracting(Record::timestamp).containsExactly(7L);
    }

    @Test
    void shouldKeepEveryRecordWhenManyThreadsAppendConcurrently() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, config(64 * 1024, 1024));
        int threads = 4;
        int perThread = 200;
        List<Thread> producers = new ArrayList<>();
        List<Ack> acks = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int id = t;
            producers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    Ack ack = new Ack();
                    ByteBuffer b = batch(i, "t" + id + "-" + i);
                    while (!writer.offer(b, i % 10 == 0, ack)) {
                        Thread.onSpinWait();
                    }
                    acks.add(ack);
                }
            }));
        }
        for (Thread producer : producers) {
            producer.join(5_000);
        }

        List<Long> bases = acks.stream().map(Ack::baseOffset).sorted().toList();
        assertThat(bases).isEqualTo(range(0, threads * perThread));
        List<Record> records = readAll(writer.log(), 0);
        assertThat(offsets(records)).isEqualTo(range(0, threads * perThread));
        for (int t = 0; t < threads; t++) {
            String prefix = "t" + t + "-";
            List<String> mine = values(records).stream().filter(v -> v.startsWith(prefix)).toList();
            List<String> inOrder = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                inOrder.add(prefix + i);
            }
            assertThat(mine).as("thread %d's records in its send order", t).isEqualTo(inOrder);
        }
    }
}
