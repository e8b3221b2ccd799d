package dev.minikafka.broker.log;

import static dev.minikafka.broker.log.ProducerStateTableTest.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.minikafka.protocol.Record;

/**
 * A {@code DURABLE} answer given after a restart from {@code kill -9} must not rest on recovered bytes that
 * were never fsynced. The first life writes without any fsync (the page cache outlives the process), the
 * second recovers those bytes and answers a {@code DURABLE} request, then the power goes and every file is
 * cut back to exactly what its fsyncs covered (the worst case {@link PowerLossDisk} allows): what was
 * acknowledged in the second life must still be there.
 */
class DurableAfterCrashRestartTest {

    private static final String NAME = "events-0";
    private static final LogConfig CONFIG = LogTestSupport.config(1024, 256);
    private static final long RETRYING = 21;
    private static final long OTHER = 22;
    private static final long NOW = System.currentTimeMillis();

    @TempDir
    Path dataDir;

    private final PowerLossDisk disk = new PowerLossDisk();
    private PartitionLog log;

    @BeforeEach
    void installDisk() {
        Fsync.listener = disk;
    }

    @AfterEach
    void removeDisk() {
        Fsync.listener = null;
        if (log != null) {
            crash();
        }
    }

    @Test
    void shouldAnswerADuplicateDurableRetryOnlyOnceTheRecoveredBatchIsOnDisk() throws IOException {
        firstLifeWithoutAnyFsync();

        PartitionWriter restarted = restartAfterKillNine();
        AtomicReference<long[]> retry = new AtomicReference<>();
        assertThat(restarted.offer(batch(RETRYING, 0, 0, 2), true, answerInto(retry))).isTrue();
        assertThat(retry.get()).as("the retry is a duplicate answered with its original offset").containsExactly(0L);
        assertThat(restarted.log().active().baseOffset()).as("the duplicate lies in an older segment").isPositive();

        powerLossToLastFsyncs();

        assertThat(log.logEndOffset()).as("the log still holds the batch acknowledged as DURABLE at offset 0")
                .isGreaterThanOrEqualTo(2);
        assertDenseFromZero();
    }

    @Test
    void shouldNotAnswerANewDurableAppendBeforeTheRecoveredTailBelowItIsOnDisk() throws IOException {
        firstLifeWithoutAnyFsync();
        PartitionWriter restarted = restartAfterKillNine();
        long end = restarted.log().logEndOffset();
        AtomicReference<long[]> answer = new AtomicReference<>();
        assertThat(restarted.offer(batch(RETRYING, 0, 2, 1), true, answerInto(answer))).isTrue();
        assertThat(answer.get()).as("a new batch, appended at the log end").containsExactly(end);

        powerLossToLastFsyncs();

        assertThat(log.logEndOffset()).as("the log still holds the DURABLE ack at %d", end).isGreaterThan(end);
        assertDenseFromZero();
    }

    private void assertDenseFromZero() throws IOException {
        List<Record> records = LogTestSupport.readAll(log, 0);
        assertThat(log.logStartOffset()).isZero();
        assertThat(LogTestSupport.offsets(records)).isEqualTo(LogTestSupport.range(0, log.logEndOffset()));
        assertThat(LogTestSupport.values(records.subList(0, 2))).as("the retried batch").containsExactly("v0", "v1");
    }

    /**
     * The retrying producer's batch first (a {@code DURABLE} write whose fsync never ran, so its ack was never
     * sent), then another producer's {@code LEADER} writes until the log has rolled twice.
     */
    private void firstLifeWithoutAnyFsync() throws IOException {
        log = LogRecovery.open(NAME, dataDir.resolve(NAME), CONFIG, false, NOW);
        LogTestSupport.ManualExecutor neverRun = new LogTestSupport.ManualExecutor();
        PartitionWriter writer = new PartitionWriter(log, Runnable::run, neverRun, () -> NOW, 8L * 1024 * 1024);
        AtomicReference<long[]> lost = new AtomicReference<>();
        assertThat(writer.offer(batch(RETRYING, 0, 0, 2), true, answerInto(lost))).isTrue();
        assertThat(lost.get()).as("no ack before the fsync").isNull();
        for (int sequence = 0; log.segmentCount() < 3; sequence += 4) {
            LogTestSupport.append(writer, batch(OTHER, 0, sequence, 4));
        }
        assertThat(log.segments().getFirst().flushedSize()).as("nothing fsynced in the first life").isZero();
    }

    /** The files stay as the first life left them (page cache intact); no checkpoint, so all is checked. */
    private PartitionWriter restartAfterKillNine() throws IOException {
        crash();
        log = LogRecovery.open(NAME, dataDir.resolve(NAME), CONFIG, false, null, NOW);
        ProducerStateTable producers = ProducerStateLoader.load(log, ProducerStateConfig.defaults(), NOW);
        return new PartitionWriter(log, Runnable::run, Runnable::run, () -> NOW, 8L * 1024 * 1024, producers);
    }

    /** Every file keeps exactly what its last fsync covered; then the log is recovered again. */
    private void powerLossToLastFsyncs() throws IOException {
        crash();
        Random keepOnlySynced = new Random() {
            @Override
            public double nextDouble() {
                return 0;
            }
        };
        disk.cut(dataDir, keepOnlySynced, PowerLossDisk.Tail.TRUNCATED);
        log = LogRecovery.open(NAME, dataDir.resolve(NAME), CONFIG, false, null, NOW);
    }

    /** Abandons the open files without flushing them, as a killed process does. */
    private void crash() {
        for (Segment segment : log.segments()) {
            try {
                segment.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        log = null;
    }

    /** Records the per-batch offsets of a successful answer (the base offset alone when there are none). */
    private static AppendCallback answerInto(AtomicReference<long[]> answer) {
        return new AppendCallback() {
            @Override
            public void onAppended(long baseOffset, long logAppendTimeMs, Throwable error) {
                throw new AssertionError("the writer calls the four-argument form");
            }

            @Override
            public void onAppended(long baseOffset, long logAppendTimeMs, long[] batchBaseOffsets, Throwable error) {
                assertThat(error).as("append error").isNull();
                answer.set(batchBaseOffsets != null ? batchBaseOffsets : new long[] {baseOffset});
            }
        };
    }
}
