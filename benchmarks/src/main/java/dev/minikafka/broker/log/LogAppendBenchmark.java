package dev.minikafka.broker.log;

import dev.minikafka.protocol.Header;
import dev.minikafka.protocol.RecordBatchBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Append throughput of one partition through the production path: a {@link LogManager} (writer and flusher
 * pools sized as the broker sizes them) hands each request to the partition's {@link PartitionWriter}, whose
 * drain task assigns offsets, indexes and writes; the ack is {@code LEADER} (not durable: acknowledged once
 * the bytes are in the page cache, no fsync).
 *
 * <p><b>Unit.</b> One invocation appends one produce request holding one batch of 100-byte records, filled
 * the way a producer fills it up to {@code batch.size} ({@value #RECORDS_16K} records in 16 KiB,
 * {@value #RECORDS_64K} in 64 KiB). {@link OperationsPerInvocation} is set to that record count, so the score
 * is <em>records/s</em>; batches/s is the score divided by the record count, bytes/s the score times about
 * 110 bytes.
 *
 * <p><b>In flight.</b> {@code inFlight = 1}: the benchmark thread waits for each ack before offering the
 * next request, so the score is the inverse of the hand-off + write + ack round trip (one producer with one
 * request in flight). {@code inFlight = 16}: up to 16 requests are queued at the writer, as when several
 * producers write the same partition; the writer's drain then gathers several requests into one write, and
 * the score approaches what the single writer can sustain. Each request in flight has its own buffer
 * (the writer overwrites base offsets in place), pre-built in setup, so the producer's encoding is not measured.
 *
 * <p><b>Disk.</b> Segments are {@value #SEGMENT_BYTES} bytes and the benchmark thread trims the log to
 * {@value #RETAINED_BYTES} bytes of closed segments whenever it is larger, deleting the files at once. (The
 * broker's own retention task runs on a schedule and deletes files 30 s after removing a segment, which at
 * these rates would leave gigabytes behind; its check interval is set to an hour here so it stays out of the way.)
 * The trim runs on the benchmark thread and is part of the score, as retention's work is part of the broker's.
 * So the data directory stays under about 0.5 GB; it is a fresh temporary directory per trial, deleted at the end.
 *
 * <p>Run from the shaded jar:
 * {@code java -cp benchmarks/target/minikafka-bench.jar org.openjdk.jmh.Main LogAppend -f 1 -wi 2 -i 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
public class LogAppendBenchmark {

    /** Records a producer puts in a 16 KiB batch of 100-byte values (checked in setup). */
    static final int RECORDS_16K = 148;
    /** Records a producer puts in a 64 KiB batch of 100-byte values (checked in setup). */
    static final int RECORDS_64K = 590;
    static final int VALUE_SIZE = 100;
    static final long SEGMENT_BYTES = 64L * 1024 * 1024;
    static final long RETAINED_BYTES = 256L * 1024 * 1024;
    /** The broker's default bound on bytes queued for one partition ({@code minikafka.pending-append-bytes}). */
    static final long PENDING_APPEND_BYTES = 8L * 1024 * 1024;
    static final int TRIM_EVERY = 32;

    @Param({"1", "16"})
    int inFlight;

    private Path dataDir;
    private LogManager manager;
    private PartitionWriter writer;
    private PartitionLog log;
    private Request[] ring16K;
    private Request[] ring64K;
    private int next;
    private int appends;
    /** Records offered this trial; the log must end at this offset (nothing was trimmed below it). */
    private long records;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dataDir = Files.createTempDirectory("minikafka-append-bench");
        // As the broker opens it: writer threads max(2, cores), 8 MiB pending bound, no interval flush.
        manager = LogManager.open(dataDir, Math.max(2, Runtime.getRuntime().availableProcessors()),
                PENDING_APPEND_BYTES, 0, TimeUnit.HOURS.toMillis(1), System::currentTimeMillis);
        LogConfig config = LogConfig.defaults().withSegmentBytes(SEGMENT_BYTES).withRetention(-1, RETAINED_BYTES);
        writer = manager.getOrCreate("bench", 0, config);
        log = writer.log();

        ByteBuffer batch16K = fullBatch(16 * 1024, RECORDS_16K);
        ByteBuffer batch64K = fullBatch(64 * 1024, RECORDS_64K);
        ring16K = ring(batch16K, inFlight);
        ring64K = ring(batch64K, inFlight);
    }

    @TearDown(Level.Iteration)
    public void drainIteration() {
        // Every request of this iteration acknowledged before the next starts (and before the trial ends).
        awaitAll(ring16K);
        awaitAll(ring64K);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try {
            if (log.logEndOffset() != records) {
                throw new IllegalStateException("the log ends at " + log.logEndOffset() + " after " + records
                        + " records were appended");
            }
            manager.close();
        } finally {
            deleteRecursively(dataDir);
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS_16K)
    public void append16KiB() throws IOException {
        append(ring16K);
        records += RECORDS_16K;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS_64K)
    public void append64KiB() throws IOException {
        append(ring64K);
        records += RECORDS_64K;
    }

    private void append(Request[] ring) throws IOException {
        Request request = ring[next];
        next = next + 1 == ring.length ? 0 : next + 1;
        request.await(); // its previous use is acknowledged, so its buffer is ours again
        request.reset();
        while (!writer.offer(request.batches, false, request)) {
            request.awaitRoom(writer); // the pending-append queue is full: wait as ProduceStream does
        }
        if (++appends % TRIM_EVERY == 0) {
            trim();
        }
    }

    /** Retention by size, done here and at once (see the class comment). */
    private void trim() throws IOException {
        if (log.sizeInBytes() <= RETAINED_BYTES + SEGMENT_BYTES) {
            return;
        }
        for (Segment segment : log.removeExpiredSegments(System.currentTimeMillis())) {
            segment.deleteFiles();
        }
    }

    private static void awaitAll(Request[] ring) {
        for (Request request : ring) {
            request.await();
        }
    }

    /** A batch of 100-byte records filled as a producer fills one up to {@code batchSize}. */
    private static ByteBuffer fullBatch(int batchSize, int expectedRecords) {
        SplittableRandom random = new SplittableRandom(42);
        byte[] value = new byte[VALUE_SIZE];
        RecordBatchBuilder builder = new RecordBatchBuilder(batchSize);
        long timestamp = System.currentTimeMillis();
        int records = 0;
        while (builder.sizeInBytes() + RecordBatchBuilder.estimateRecordSize(null, value, null) <= batchSize) {
            random.nextBytes(value);
            builder.append(timestamp + records, null, value.clone(), List.<Header>of());
            records++;
        }
        if (records != expectedRecords) {
            throw new IllegalStateException("a " + batchSize + "-byte batch holds " + records + " records, not "
                    + expectedRecords + ": update the constant used by @OperationsPerInvocation");
        }
        ByteBuffer built = builder.build();
        return ByteBuffer.allocate(built.remaining()).put(built).flip();
    }

    private static Request[] ring(ByteBuffer batch, int size) {
        Request[] ring = new Request[size];
        for (int i = 0; i < size; i++) {
            ring[i] = new Request(ByteBuffer.allocate(batch.remaining()).put(batch.duplicate()).flip());
        }
        return ring;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * One produce request: its own buffer, and the callback the writer acks it through. Acks arrive on a
     * writer thread; the benchmark thread spins briefly, then parks.
     */
    static final class Request implements AppendCallback {
        final ByteBuffer batches;
        private volatile boolean done = true;
        private volatile boolean room;
        private volatile Throwable error;
        private volatile Thread waiter;

        Request(ByteBuffer batches) {
            this.batches = batches;
        }

        void reset() {
            batches.clear(); // the gathering write moved the position to the end
            done = false;
        }

        @Override
        public void onAppended(long baseOffset, long logAppendTimeMs, Throwable failure) {
            error = failure;
            done = true;
            Thread t = waiter;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }

        void await() {
            if (!done) {
                waiter = Thread.currentThread();
                for (int spins = 0; !done; spins++) {
                    if (spins < 200) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.parkNanos(this, 100_000);
                    }
                }
                waiter = null;
            }
            Throwable failure = error;
            if (failure != null) {
                throw new IllegalStateException("append failed", failure);
            }
        }

        void awaitRoom(PartitionWriter writer) {
            room = false;
            Thread self = Thread.currentThread();
            writer.whenRoom(() -> {
                room = true;
                LockSupport.unpark(self);
            });
            while (!room) {
                LockSupport.parkNanos(this, 100_000);
            }
        }
    }
}
