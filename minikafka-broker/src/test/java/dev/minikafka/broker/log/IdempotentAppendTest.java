package dev.minikafka.broker.log;

import static dev.minikafka.broker.log.ProducerStateTableTest.batch;
import static dev.minikafka.broker.log.ProducerStateTableTest.concat;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idempotent appends through the real writer and log manager: retries are not written twice, gaps write
 * nothing, and the producer state comes back after a clean restart and after a crash.
 */
class IdempotentAppendTest {

    private static final long PID = 11;

    @TempDir
    Path dataDir;

    @TempDir
    Path copyRoot;

    private LogManager manager;

    @AfterEach
    void close() throws Exception {
        if (manager != null) {
            manager.close();
        }
    }

    /** What the writer answered, per-batch offsets included. */
    record Answer(long baseOffset, long[] batchOffsets, Throwable error) {
    }

    static Answer offer(PartitionWriter writer, ByteBuffer batches) throws Exception {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        AppendCallback callback = new AppendCallback() {
            @Override
            public void onAppended(long baseOffset, long logAppendTimeMs, Throwable error) {
                throw new AssertionError("the writer calls the four-argument form");
            }

            @Override
            public void onAppended(long baseOffset, long logAppendTimeMs, long[] batchBaseOffsets, Throwable error) {
                answer.complete(new Answer(baseOffset, batchBaseOffsets, error));
            }
        };
        assertThat(writer.offer(batches, false, callback)).isTrue();
        return answer.get(5, TimeUnit.SECONDS);
    }

    private PartitionWriter open(LogConfig config) throws Exception {
        manager = LogTestSupport.openManager(dataDir, System::currentTimeMillis);
        return manager.getOrCreate("events", 0, config);
    }

    @Test
    void shouldAnswerARetriedBatchWithItsOriginalOffsetWithoutWritingItAgain() throws Exception {
        PartitionWriter writer = open(LogConfig.defaults());
        offer(writer, LogTestSupport.batch(1L, "a", "b"));
        Answer first = offer(writer, batch(PID, 0, 0, 3));
        Answer retry = offer(writer, batch(PID, 0, 0, 3));
        assertThat(first.baseOffset()).isEqualTo(2);
        assertThat(retry.error()).isNull();
        assertThat(retry.baseOffset()).isEqualTo(2);
        assertThat(retry.batchOffsets()).containsExactly(2L);
        assertThat(writer.log().logEndOffset()).as("written once").isEqualTo(5);
        assertThat(LogTestSupport.readAll(writer.log(), 0)).hasSize(5);
    }

    @Test
    void shouldGiveEachBatchOfAPartlyRetriedRequestItsOwnOffset() throws Exception {
        PartitionWriter writer = open(LogConfig.defaults());
        offer(writer, concat(batch(PID, 0, 0, 2), batch(PID, 0, 2, 2)));
        offer(writer, LogTestSupport.batch(1L, "someone else"));
        Answer retry = offer(writer, concat(batch(PID, 0, 0, 2), batch(PID, 0, 2, 2), batch(PID, 0, 4, 1)));
        assertThat(retry.batchOffsets()).containsExactly(0L, 2L, 5L);
        assertThat(writer.log().logEndOffset()).isEqualTo(6);
    }

    @Test
    void shouldWriteNothingOfARequestWithASequenceGap() throws Exception {
        PartitionWriter writer = open(LogConfig.defaults());
        offer(writer, batch(PID, 0, 0, 1));
        Answer gap = offer(writer, concat(batch(PID, 0, 1, 1), batch(PID, 0, 3, 1)));
        assertThat(gap.error()).isInstanceOf(SequenceException.class);
        assertThat(gap.baseOffset()).isEqualTo(-1);
        assertThat(writer.log().logEndOffset()).isEqualTo(1);
        assertThat(offer(writer, batch(PID, 0, 1, 1)).baseOffset()).as("the producer can go on").isEqualTo(1);
    }

    @Test
    void shouldRecogniseARetryAfterACleanRestartWithoutReadingTheLog() throws Exception {
        PartitionWriter writer = open(LogConfig.defaults());
        for (int i = 0; i < 4; i++) {
            offer(writer, batch(PID, 0, i, 1));
        }
        manager.close();
        manager = LogTestSupport.openManager(dataDir, System::currentTimeMillis);
        assertThat(ProducerStateSnapshot.read(dataDir.resolve("events-0")).offset()).isEqualTo(4);
        writer = manager.getOrCreate("events", 0, LogConfig.defaults());
        assertThat(offer(writer, batch(PID, 0, 3, 1)).batchOffsets()).containsExactly(3L);
        assertThat(offer(writer, batch(PID, 0, 5, 1)).error()).as("a gap after the restart").isInstanceOf(SequenceException.class);
        assertThat(writer.log().logEndOffset()).isEqualTo(4);
    }

    @Test
    void shouldRebuildTheStateAfterACrashFromTheRollSnapshotAndTheLogTail() throws Exception {
        LogConfig small = LogTestSupport.config(1024, 256);
        PartitionWriter writer = open(small);
        for (int i = 0; i < 40; i++) {
            offer(writer, batch(PID, 0, i, 1));
            offer(writer, batch(PID + 1, 0, i, 1));
        }
        assertThat(writer.log().segmentCount()).as("rolled, so snapshots were taken").isGreaterThan(3);
        long snapshotOffset = ProducerStateSnapshot.read(dataDir.resolve("events-0")).offset();
        assertThat(snapshotOffset).as("the last batches lie past the snapshot: recovery reads them").isBetween(1L, 77L);
        // A crash: the files as they are now, with no close (no final snapshot, no clean-shutdown marker).
        Path crashCopy = Files.createDirectories(copyRoot.resolve("crashed"));
        copyTree(dataDir, crashCopy);
        manager.close();
        manager = LogTestSupport.openManager(crashCopy, System::currentTimeMillis);
        assertThat(manager.openedAfterCleanShutdown()).isFalse();
        PartitionWriter recovered = manager.getOrCreate("events", 0, small);
        assertThat(offer(recovered, batch(PID, 0, 39, 1)).batchOffsets()).containsExactly(78L);
        assertThat(offer(recovered, batch(PID + 1, 0, 39, 1)).batchOffsets()).containsExactly(79L);
        assertThat(offer(recovered, batch(PID, 0, 41, 1)).error()).isInstanceOf(SequenceException.class);
        assertThat(offer(recovered, batch(PID, 0, 40, 1)).baseOffset()).isEqualTo(80);
    }

    @Test
    void shouldRebuildTheStateFromBatchesLargerThanTheHeaderWindowAndMixedSizes() throws Exception {
        PartitionWriter writer = open(LogConfig.defaults());
        // 20 KB batches (a header per 8 KiB window read and headers past its end) between small ones
        // (many headers per window): the replay must land on every header either way.
        for (int i = 0; i < 12; i++) {
            assertThat(offer(writer, largeBatch(PID, i, 20_000)).error()).isNull();
            if (i % 3 == 0) {
                assertThat(offer(writer, batch(PID + 1, 0, i / 3, 1)).error()).isNull();
            }
        }
        Path crashCopy = Files.createDirectories(copyRoot.resolve("crashed"));
        copyTree(dataDir, crashCopy); // no snapshot was taken (no roll, no close): the replay reads the whole log
        manager.close();
        manager = LogTestSupport.openManager(crashCopy, System::currentTimeMillis);
        PartitionWriter recovered = manager.getOrCreate("events", 0, LogConfig.defaults());
        assertThat(recovered.log().logEndOffset()).isEqualTo(16);
        assertThat(offer(recovered, largeBatch(PID, 11, 20_000)).batchOffsets()).as("a retry of the last batch")
                .containsExactly(15L);
        assertThat(offer(recovered, batch(PID + 1, 0, 3, 1)).batchOffsets()).as("a retry of the last small one")
                .containsExactly(13L);
        assertThat(offer(recovered, largeBatch(PID, 13, 20_000)).error()).isInstanceOf(SequenceException.class);
        assertThat(offer(recovered, largeBatch(PID, 12, 20_000)).baseOffset()).isEqualTo(16);
    }

    @Test
    void shouldRecogniseARetryAfterACrashFromAProducerWritingOldTimestamps() throws Exception {
        long twoDaysAgo = System.currentTimeMillis() - 2 * 24 * LogTestSupport.HOUR_MS; // a backfill: event time
        PartitionWriter writer = open(LogConfig.defaults());
        assertThat(offer(writer, batchAt(PID, 0, twoDaysAgo)).baseOffset()).isZero();
        Path crashCopy = Files.createDirectories(copyRoot.resolve("crashed"));
        copyTree(dataDir, crashCopy); // no snapshot yet (no roll, no close): the replay reads the batch
        manager.close();

        manager = LogTestSupport.openManager(crashCopy, System::currentTimeMillis);
        PartitionWriter recovered = manager.getOrCreate("events", 0, LogConfig.defaults());

        assertThat(recovered.producers().get(PID)).as("the producer appended moments ago, by the broker's clock")
                .isNotNull();
        Answer retry = offer(recovered, batchAt(PID, 0, twoDaysAgo));
        assertThat(retry.batchOffsets()).as("a retry of the written batch").containsExactly(0L);
        assertThat(recovered.log().logEndOffset()).as("not written again").isEqualTo(1);
    }

    /** A one-record batch of {@code producerId} at {@code sequence} whose record has {@code timestamp}. */
    private static ByteBuffer batchAt(long producerId, int sequence, long timestamp) {
        dev.minikafka.protocol.RecordBatchBuilder builder = new dev.minikafka.protocol.RecordBatchBuilder(256);
        builder.append(timestamp, null, "backfilled".getBytes(), java.util.List.of());
        return LogTestSupport.copy(builder.build(producerId, (short) 0, sequence));
    }

    /** One record of {@code valueBytes}, so the batch is larger than the replay's read window. */
    private static ByteBuffer largeBatch(long producerId, int sequence, int valueBytes) {
        dev.minikafka.protocol.RecordBatchBuilder builder = new dev.minikafka.protocol.RecordBatchBuilder(valueBytes + 256);
        builder.append(System.currentTimeMillis(), null, new byte[valueBytes], java.util.List.of());
        return LogTestSupport.copy(builder.build(producerId, (short) 0, sequence));
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    @Test
    void shouldFallBackToTheLastSegmentsWhenTheSnapshotIsUnusable() throws Exception {
        LogConfig small = LogTestSupport.config(1024, 256);
        PartitionWriter writer = open(small);
        for (int i = 0; i < 30; i++) {
            offer(writer, batch(PID, 0, i, 1));
        }
        manager.close();
        Path snapshot = dataDir.resolve("events-0").resolve(ProducerStateSnapshot.FILE_NAME);
        Files.write(snapshot, new byte[] {1, 2, 3});
        manager = LogTestSupport.openManager(dataDir, System::currentTimeMillis);
        writer = manager.getOrCreate("events", 0, small);
        assertThat(offer(writer, batch(PID, 0, 29, 1)).batchOffsets()).containsExactly(29L);
    }
}
