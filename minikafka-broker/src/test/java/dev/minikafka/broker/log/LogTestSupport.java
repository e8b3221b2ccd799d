package dev.minikafka.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.minikafka.protocol.Header;
import dev.minikafka.protocol.Record;
import dev.minikafka.protocol.RecordBatch;
import dev.minikafka.protocol.RecordBatchBuilder;

/** Shared helpers for the storage tests: batches as producers build them, executors the test drives, reads. */
final class LogTestSupport {

    static final long HOUR_MS = 3_600_000L;

    private LogTestSupport() {
    }

    /** A writable batch of records with values {@code values}, timestamps {@code timestamp, timestamp + 1, ...}. */
    static ByteBuffer batch(long timestamp, String... values) {
        long[] timestamps = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            timestamps[i] = timestamp + i;
        }
        return batch(timestamps, values);
    }

    /** A writable batch whose i-th record has timestamp {@code timestamps[i]} and value {@code values[i]}. */
    static ByteBuffer batch(long[] timestamps, String... values) {
        RecordBatchBuilder builder = new RecordBatchBuilder(256);
        for (int i = 0; i < values.length; i++) {
            builder.append(timestamps[i], ("k" + i).getBytes(StandardCharsets.UTF_8),
                    values[i].getBytes(StandardCharsets.UTF_8), List.of());
        }
        return copy(builder.build());
    }

    /** A writable batch of one record with a key, a value and headers. */
    static ByteBuffer batch(long timestamp, String key, String value, List<Header> headers) {
        RecordBatchBuilder builder = new RecordBatchBuilder(256);
        builder.append(timestamp, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), headers);
        return copy(builder.build());
    }

    /** A one-record batch whose value is {@code valueBytes} bytes long, so tests can reason about sizes. */
    static ByteBuffer sizedBatch(long timestamp, int valueBytes) {
        RecordBatchBuilder builder = new RecordBatchBuilder(valueBytes + 128);
        builder.append(timestamp, null, "x".repeat(valueBytes).getBytes(StandardCharsets.UTF_8), List.of());
        return copy(builder.build());
    }

    static ByteBuffer copy(ByteBuffer source) {
        ByteBuffer copy = ByteBuffer.allocate(source.remaining());
        copy.put(source.duplicate());
        return copy.flip();
    }

    /** Every record from {@code from} to the log end, read the way a consumer fetches: batch runs, then decode. */
    static List<Record> readAll(PartitionLog log, long from) throws IOException {
        List<Record> records = new ArrayList<>();
        long next = from;
        for (int reads = 0; next < log.logEndOffset(); reads++) {
            assertThat(reads).as("reads needed to reach the log end").isLessThan(100_000);
            ByteBuffer batches = log.read(next, 1024).batches();
            assertThat(batches.hasRemaining()).as("read at %d below log end %d", next, log.logEndOffset()).isTrue();
            List<Record> decoded = RecordBatch.decodeAll(batches, next);
            assertThat(decoded).as("records decoded at %d", next).isNotEmpty();
            records.addAll(decoded);
            next = decoded.getLast().offset() + 1;
        }
        return records;
    }

    static List<Long> offsets(List<Record> records) {
        return records.stream().map(Record::offset).toList();
    }

    static List<String> values(List<Record> records) {
        return records.stream().map(Record::valueAsString).toList();
    }

    static List<Long> range(long fromInclusive, long toExclusive) {
        List<Long> list = new ArrayList<>();
        for (long i = fromInclusive; i < toExclusive; i++) {
            list.add(i);
        }
        return list;
    }

    /** Base offsets of the segments in a partition directory, from the {@code .log} file names. */
    static List<Long> segmentBases(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(Segment.LOG_SUFFIX))
                    .map(n -> Long.parseLong(n.substring(0, n.length() - Segment.LOG_SUFFIX.length())))
                    .sorted()
                    .toList();
        }
    }

    static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    static Path logFile(Path dir, long base) {
        return Segment.file(dir, base, Segment.LOG_SUFFIX);
    }

    static Path indexFile(Path dir, long base) {
        return Segment.file(dir, base, Segment.INDEX_SUFFIX);
    }

    static Path timeIndexFile(Path dir, long base) {
        return Segment.file(dir, base, Segment.TIME_INDEX_SUFFIX);
    }

    /** LogConfig with the given segment size and index interval, everything else at its default. */
    static LogConfig config(long segmentBytes, int indexIntervalBytes) {
        LogConfig d = LogConfig.defaults();
        return new LogConfig(segmentBytes, d.segmentMs(), d.retentionMs(), d.retentionBytes(), d.maxMessageBytes(),
                d.logAppendTime(), indexIntervalBytes);
    }

    static LogConfig withSegmentMs(LogConfig c, long segmentMs) {
        return new LogConfig(c.segmentBytes(), segmentMs, c.retentionMs(), c.retentionBytes(), c.maxMessageBytes(),
                c.logAppendTime(), c.indexIntervalBytes());
    }

    static LogConfig withLogAppendTime(LogConfig c) {
        return new LogConfig(c.segmentBytes(), c.segmentMs(), c.retentionMs(), c.retentionBytes(), c.maxMessageBytes(),
                true, c.indexIntervalBytes());
    }

    /** An executor that only runs what it was given when the test says so. */
    static final class ManualExecutor implements Executor {
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        synchronized int queued() {
            return tasks.size();
        }

        /** Runs queued tasks, including those they queue, until none is left. */
        void runAll() {
            for (int i = 0; i < 10_000; i++) {
                Runnable task;
                synchronized (this) {
                    task = tasks.poll();
                }
                if (task == null) {
                    return;
                }
                task.run();
            }
            throw new AssertionError("executor did not go idle");
        }
    }

    /** What an append callback was told, and on which thread. */
    record Appended(long baseOffset, long logAppendTimeMs, Throwable error, String thread) {
    }

    /** An {@link AppendCallback} that completes a future. */
    static final class Ack implements AppendCallback {
        final CompletableFuture<Appended> future = new CompletableFuture<>();

        @Override
        public void onAppended(long baseOffset, long logAppendTimeMs, Throwable error) {
            future.complete(new Appended(baseOffset, logAppendTimeMs, error, Thread.currentThread().getName()));
        }

        boolean isDone() {
            return future.isDone();
        }

        Appended get() {
            try {
                return future.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("append was not acknowledged within 5 s", e);
            }
        }

        long baseOffset() {
            Appended appended = get();
            assertThat(appended.error()).as("append error").isNull();
            return appended.baseOffset();
        }
    }

    /** Offers and waits for the ack; retries while the writer's queue is full. */
    static long append(PartitionWriter writer, ByteBuffer batches, boolean durable) {
        Ack ack = new Ack();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!writer.offer(batches, durable, ack)) {
            assertThat(System.nanoTime()).as("offer accepted before the deadline").isLessThan(deadline);
            Thread.onSpinWait();
        }
        return ack.baseOffset();
    }

    static long append(PartitionWriter writer, ByteBuffer batches) {
        return append(writer, batches, false);
    }

    /** A writer that drains and flushes on the offering thread, as the pools would, but synchronously. */
    static PartitionWriter directWriter(PartitionLog log, java.util.function.LongSupplier clock) {
        return new PartitionWriter(log, Runnable::run, Runnable::run, clock, 8L * 1024 * 1024);
    }

    /** A log manager whose background tasks stay out of the way (retention and flush only when the test asks). */
    static LogManager openManager(Path dataDir, java.util.function.LongSupplier clock) throws IOException {
        return LogManager.open(dataDir, 2, 8L * 1024 * 1024, 0, HOUR_MS, clock);
    }
}
