package dev.minikafka.broker.log;

import dev.minikafka.protocol.Header;
import dev.minikafka.protocol.RecordBatch;
import dev.minikafka.protocol.RecordBatchBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The seek side of the log, at random targets:
 * <ul>
 *   <li>{@code offsetIndexLookup}: {@link OffsetIndex#lookup} (binary search of the in-heap entries) over an
 *       index of {@code entries} entries;</li>
 *   <li>{@code timeIndexLookup}: {@link TimeIndex#lookup} over the same number of entries;</li>
 *   <li>{@code partitionLogRead}: {@link PartitionLog#read} of a random offset with {@code maxBytes = 1}, i.e.
 *       exactly the batch that holds it: segment lookup, offset-index lookup, the header scan from the indexed
 *       position to the batch (positional reads of the page cache), and the read of that one batch.</li>
 * </ul>
 * The log read is built as producers would fill it through a {@link PartitionWriter} (run synchronously
 * here): batches of 10 records of 100 bytes (about 1.1 KiB), the default 4 KiB index interval, so an index entry
 * falls every 4 batches and a read scans 1 to 4 batch headers. It is one segment (segment size 1 GiB) holding
 * exactly {@code entries} index entries: about 45 MB of log for 10k entries, 460 MB for 100k, in a temporary
 * directory deleted at the end of the trial. The log was just written, so the reads hit the page cache.
 *
 * <p>Targets are drawn uniformly in setup (a table of 64 Ki, walked in order), so the random number
 * generator is not measured.
 *
 * <p>Run from the shaded jar:
 * {@code java -cp benchmarks/target/minikafka-bench.jar org.openjdk.jmh.Main IndexLookup -f 1 -wi 2 -i 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
public class IndexLookupBenchmark {

    static final int TARGETS = 1 << 16;
    static final int MASK = TARGETS - 1;
    /** About the records of 100 bytes in one 4 KiB index interval: the offset step between index entries. */
    static final int OFFSETS_PER_ENTRY = 37;
    static final int INDEX_INTERVAL_BYTES = 4096;
    static final int POSITION_STEP = INDEX_INTERVAL_BYTES + 500;
    static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    private int cursor;

    /** An offset index and a time index of {@code entries} entries each, for segment base offset 0. */
    @State(Scope.Benchmark)
    public static class Indexes {
        @Param({"10000", "100000"})
        int entries;

        Path dir;
        OffsetIndex offsetIndex;
        TimeIndex timeIndex;
        final long[] offsetTargets = new long[TARGETS];
        final long[] timestampTargets = new long[TARGETS];

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("minikafka-index-bench");
            offsetIndex = new OffsetIndex(Segment.file(dir, 0, Segment.INDEX_SUFFIX), 0);
            timeIndex = new TimeIndex(Segment.file(dir, 0, Segment.TIME_INDEX_SUFFIX), 0);
            // As Segment.indexBatch adds them: one entry per index interval, offsets, positions and the
            // running maximum timestamp increasing (timestamps one millisecond per record).
            for (int i = 0; i < entries; i++) {
                long offset = (long) i * OFFSETS_PER_ENTRY;
                offsetIndex.append(offset, i * POSITION_STEP);
                timeIndex.maybeAppend(BASE_TIMESTAMP + offset, offset);
            }
            offsetIndex.writeNewEntries();
            timeIndex.writeNewEntries();
            if (offsetIndex.entries() != entries || timeIndex.entries() != entries) {
                throw new IllegalStateException("index has " + offsetIndex.entries() + " / " + timeIndex.entries()
                        + " entries, expected " + entries);
            }
            long span = (long) entries * OFFSETS_PER_ENTRY;
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < TARGETS; i++) {
                offsetTargets[i] = random.nextLong(span);
                timestampTargets[i] = BASE_TIMESTAMP + random.nextLong(span);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            offsetIndex.close();
            timeIndex.close();
            deleteRecursively(dir);
        }
    }

    /** A one-segment partition log whose offset index has exactly {@code entries} entries. */
    @State(Scope.Benchmark)
    public static class Log {
        static final int RECORDS_PER_BATCH = 10;
        static final int BATCHES_PER_REQUEST = 64;

        @Param({"10000", "100000"})
        int entries;

        Path dir;
        PartitionLog log;
        final long[] offsetTargets = new long[TARGETS];

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("minikafka-read-bench");
            LogConfig config = LogConfig.defaults().withSegmentBytes(1L << 30);
            if (config.indexIntervalBytes() != INDEX_INTERVAL_BYTES) {
                throw new IllegalStateException("default index interval is " + config.indexIntervalBytes());
            }
            long now = System.currentTimeMillis();
            log = LogRecovery.open("bench-0", dir, config, false, now);
            // Writer and flush "pools" that run tasks on this thread: each offer is written before it returns.
            PartitionWriter writer = new PartitionWriter(log, Runnable::run, Runnable::run, System::currentTimeMillis,
                    64L * 1024 * 1024);

            byte[] value = new byte[100];
            SplittableRandom random = new SplittableRandom(11);
            RecordBatchBuilder builder = new RecordBatchBuilder(2048);
            // An entry lands on batch 1, then every 4th batch (4 x ~1.1 KiB >= 4 KiB): 4 * entries batches.
            long batches = 4L * entries;
            long timestamp = BASE_TIMESTAMP;
            ByteBuffer request = null;
            for (long b = 0; b < batches; ) {
                int inRequest = (int) Math.min(BATCHES_PER_REQUEST, batches - b);
                for (int i = 0; i < inRequest; i++, b++) {
                    builder.reset();
                    for (int r = 0; r < RECORDS_PER_BATCH; r++) {
                        random.nextBytes(value);
                        builder.append(timestamp++, null, value, List.<Header>of());
                    }
                    ByteBuffer batch = builder.build();
                    if (request == null) {
                        request = ByteBuffer.allocate(BATCHES_PER_REQUEST * batch.remaining() * 2);
                    }
                    request.put(batch);
                }
                request.flip();
                boolean[] failed = {false};
                if (!writer.offer(request, false, (base, time, error) -> failed[0] = error != null) || failed[0]) {
                    throw new IllegalStateException("append failed while building the log");
                }
                request.clear();
            }
            long indexEntries = Files.size(Segment.file(dir, 0, Segment.INDEX_SUFFIX)) / OffsetIndex.ENTRY_SIZE;
            if (log.segmentCount() != 1 || indexEntries != entries) {
                throw new IllegalStateException("built " + log.segmentCount() + " segments with " + indexEntries
                        + " offset-index entries, expected 1 segment with " + entries);
            }
            long end = log.logEndOffset();
            for (int i = 0; i < TARGETS; i++) {
                offsetTargets[i] = random.nextLong(end);
            }
            // The read returns exactly the batch holding the target.
            ByteBuffer check = log.read(offsetTargets[0], 1).batches();
            long first = RecordBatch.baseOffset(check, 0);
            if (first > offsetTargets[0] || RecordBatch.lastOffset(check, 0) < offsetTargets[0]
                    || check.remaining() != RecordBatch.sizeInBytes(check, 0)) {
                throw new IllegalStateException("read of " + offsetTargets[0] + " returned the wrong batch");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            log.close();
            deleteRecursively(dir);
        }
    }

    @Benchmark
    public int offsetIndexLookup(Indexes indexes) {
        return indexes.offsetIndex.lookup(indexes.offsetTargets[cursor++ & MASK]);
    }

    @Benchmark
    public long timeIndexLookup(Indexes indexes) {
        return indexes.timeIndex.lookup(indexes.timestampTargets[cursor++ & MASK]);
    }

    @Benchmark
    public ByteBuffer partitionLogRead(Log log) throws IOException {
        return log.log.read(log.offsetTargets[cursor++ & MASK], 1).batches();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
