package dev.minikafka.bench.jmh;

import dev.minikafka.protocol.BatchCheck;
import dev.minikafka.protocol.Header;
import dev.minikafka.protocol.Record;
import dev.minikafka.protocol.RecordBatch;
import dev.minikafka.protocol.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The codec's costs on the produce and fetch paths: what a producer pays to encode a batch, what a consumer
 * pays to decode one, and what the broker pays to validate a produce request (CRC-32C alone, then the full
 * {@link RecordBatch#checkAll} walk). Run from the shaded jar:
 * {@code java -cp benchmarks/target/minikafka-bench.jar org.openjdk.jmh.Main BatchCodec -f 1 -wi 2 -i 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BatchCodecBenchmark {

    static final int RECORDS_PER_BATCH = 100;
    static final int VALUE_SIZE = 100;
    static final int RUN_BYTES = 64 * 1024;
    static final int MAX_BATCH_BYTES = 1 << 20;

    private byte[][] values;
    private RecordBatchBuilder builder;
    private long timestamp;

    /** One batch of 100 records of 100 bytes, as a producer sends it. */
    private ByteBuffer smallBatch;
    private List<Record> decoded;

    /** One batch of about 64 KiB, the producer's default batch size. */
    private ByteBuffer largeBatch;
    private int largeBatchSize;

    /** Whole 100-record batches laid end to end up to about 64 KiB, as one produce request carries them. */
    private ByteBuffer batchRun;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        values = new byte[RECORDS_PER_BATCH][VALUE_SIZE];
        for (byte[] value : values) {
            for (int i = 0; i < value.length; i++) {
                value[i] = (byte) random.nextInt(256);
            }
        }
        timestamp = System.currentTimeMillis();
        builder = new RecordBatchBuilder(RUN_BYTES);
        decoded = new ArrayList<>(RECORDS_PER_BATCH);

        smallBatch = copy(buildSmallBatch());

        RecordBatchBuilder large = new RecordBatchBuilder(RUN_BYTES);
        int i = 0;
        while (large.sizeInBytes() + RecordBatchBuilder.estimateRecordSize(null, values[0], null) <= RUN_BYTES) {
            large.append(timestamp + i, null, values[i % RECORDS_PER_BATCH], null);
            i++;
        }
        largeBatch = copy(large.build());
        largeBatchSize = largeBatch.remaining();

        int batchSize = smallBatch.remaining();
        int count = Math.max(1, RUN_BYTES / batchSize);
        batchRun = ByteBuffer.allocate(count * batchSize);
        for (int b = 0; b < count; b++) {
            batchRun.put(smallBatch.duplicate());
        }
        batchRun.flip();
        if (RecordBatch.checkAll(batchRun, 0, batchRun.limit(), MAX_BATCH_BYTES) != BatchCheck.OK) {
            throw new IllegalStateException("the benchmark's own batches do not pass the check");
        }
    }

    @Benchmark
    public ByteBuffer buildBatch() {
        return buildSmallBatch();
    }

    @Benchmark
    public List<Record> decodeBatch() {
        decoded.clear();
        RecordBatch.decode(smallBatch, 0, 0L, decoded);
        return decoded;
    }

    @Benchmark
    public long crc32c64KiB() {
        return RecordBatch.computeCrc(largeBatch, 0, largeBatchSize);
    }

    @Benchmark
    public BatchCheck checkAll64KiB() {
        return RecordBatch.checkAll(batchRun, 0, batchRun.limit(), MAX_BATCH_BYTES);
    }

    private ByteBuffer buildSmallBatch() {
        RecordBatchBuilder b = builder;
        b.reset();
        byte[][] v = values;
        long ts = timestamp;
        for (int i = 0; i < RECORDS_PER_BATCH; i++) {
            b.append(ts + i, null, v[i], List.<Header>of());
        }
        return b.build();
    }

    private static ByteBuffer copy(ByteBuffer source) {
        ByteBuffer copy = ByteBuffer.allocate(source.remaining());
        copy.put(source.duplicate());
        return copy.flip();
    }
}
