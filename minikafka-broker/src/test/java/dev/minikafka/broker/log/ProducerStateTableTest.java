package dev.minikafka.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.minikafka.protocol.RecordBatch;
import dev.minikafka.protocol.RecordBatchBuilder;

class ProducerStateTableTest {

    private static final long PID = 7;

    @TempDir
    Path dir;

    private final ProducerStateTable table = new ProducerStateTable(ProducerStateConfig.defaults());
    private long nextOffset = 100;

    /** An idempotent batch of {@code records} records, stamped now (recovery expires producers by batch time). */
    static ByteBuffer batch(long producerId, int epoch, int baseSequence, int records) {
        RecordBatchBuilder builder = new RecordBatchBuilder(256);
        long now = System.currentTimeMillis();
        for (int i = 0; i < records; i++) {
            builder.append(now + i, null, ("v" + i).getBytes(), List.of());
        }
        return LogTestSupport.copy(builder.build(producerId, (short) epoch, baseSequence));
    }

    static ByteBuffer concat(ByteBuffer... batches) {
        int size = 0;
        for (ByteBuffer b : batches) {
            size += b.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (ByteBuffer b : batches) {
            out.put(b.duplicate());
        }
        return out.flip();
    }

    private PendingAppend pending(ByteBuffer batches) {
        return new PendingAppend(batches, false, (offset, time, error) -> { });
    }

    /** Checks and, when it passes, "appends" the way the writer does: offsets assigned, then recorded. */
    private PendingAppend append(ByteBuffer batches) throws SequenceException {
        PendingAppend append = pending(batches);
        table.check(append, "t-0");
        append.skipDuplicates();
        for (int pos = batches.position(); pos < batches.limit(); pos += RecordBatch.sizeInBytes(batches, pos)) {
            RecordBatch.setBaseOffset(batches, pos, nextOffset);
            table.appended(batches, pos, 5_000);
            nextOffset += RecordBatch.lastOffsetDelta(batches, pos) + 1;
        }
        return append;
    }

    @Test
    void shouldAcceptConsecutiveSequencesAndRememberTheLastFiveBatches() throws Exception {
        for (int i = 0; i < 7; i++) {
            append(batch(PID, 0, i * 2, 2));
        }
        ProducerEntry entry = table.get(PID);
        assertThat(entry.batchCount()).isEqualTo(ProducerEntry.RETAINED_BATCHES);
        assertThat(entry.lastSequence()).isEqualTo(13);
        assertThat(entry.offsetOfDuplicate(12, 13)).isEqualTo(112);
        assertThat(entry.offsetOfDuplicate(0, 1)).as("older than the window").isEqualTo(-1);
    }

    @Test
    void shouldAnswerAnExactRetryWithTheOriginalOffsetAndWriteNothing() throws Exception {
        append(batch(PID, 0, 0, 3));
        PendingAppend retry = append(batch(PID, 0, 0, 3));
        assertThat(retry.duplicates).isEqualTo(1);
        assertThat(retry.batchBaseOffsets).containsExactly(100L);
        assertThat(retry.batches.remaining()).as("nothing left to write").isZero();
        assertThat(nextOffset).isEqualTo(103);
    }

    @Test
    void shouldSkipOnlyTheLeadingDuplicatesOfARetriedRequest() throws Exception {
        append(batch(PID, 0, 0, 2));
        PendingAppend retry = append(concat(batch(PID, 0, 0, 2), batch(PID, 0, 2, 1)));
        assertThat(retry.duplicates).isEqualTo(1);
        assertThat(retry.batchBaseOffsets[0]).isEqualTo(100);
        assertThat(nextOffset).as("the new batch alone was appended").isEqualTo(103);
        assertThat(table.get(PID).lastSequence()).isEqualTo(2);
    }

    @Test
    void shouldRefuseAGapAndAReorderWithOutOfOrderSequence() throws Exception {
        append(batch(PID, 0, 0, 2));
        assertThatThrownBy(() -> append(batch(PID, 0, 3, 1))).isInstanceOf(SequenceException.class)
                .hasMessageContaining("next expected is 2")
                .satisfies(e -> assertThat(((SequenceException) e).reason())
                        .isEqualTo(SequenceException.Reason.OUT_OF_ORDER_SEQUENCE));
        assertThatThrownBy(() -> append(concat(batch(PID, 0, 2, 1), batch(PID, 0, 0, 2))))
                .as("a duplicate after a new batch is out of order").isInstanceOf(SequenceException.class);
        assertThat(table.get(PID).lastSequence()).as("nothing recorded").isEqualTo(1);
    }

    @Test
    void shouldFenceAStaleEpochAndStartANewEpochAtSequenceZero() throws Exception {
        append(batch(PID, 1, 0, 2));
        assertThatThrownBy(() -> append(batch(PID, 0, 2, 1))).isInstanceOf(SequenceException.class)
                .satisfies(e -> assertThat(((SequenceException) e).reason())
                        .isEqualTo(SequenceException.Reason.INVALID_PRODUCER_EPOCH));
        assertThatThrownBy(() -> append(batch(PID, 2, 5, 1))).as("a new epoch starts at 0")
                .isInstanceOf(SequenceException.class);
        append(batch(PID, 2, 0, 1));
        assertThat(table.get(PID).epoch()).isEqualTo((short) 2);
        assertThat(table.get(PID).batchCount()).as("the old epoch's batches are forgotten").isEqualTo(1);
    }

    @Test
    void shouldAcceptAnyFirstSequenceFromAnUnknownProducerAndIgnoreNonIdempotentBatches() throws Exception {
        append(batch(PID, 0, 500, 1));
        assertThat(table.get(PID).lastSequence()).isEqualTo(500);
        append(LogTestSupport.batch(1L, "plain"));
        assertThat(table.producerCount()).isEqualTo(1);
        assertThatThrownBy(() -> append(concat(LogTestSupport.batch(1L, "plain"), batch(PID, 0, 501, 1))))
                .isInstanceOf(SequenceException.class).hasMessageContaining("mixes");
    }

    @Test
    void shouldExpireIdleProducersAndEvictTheIdlestPastTheBound() throws Exception {
        ProducerStateTable small = new ProducerStateTable(new ProducerStateConfig(1_000, 2));
        for (long pid = 1; pid <= 3; pid++) {
            ByteBuffer b = batch(pid, 0, 0, 1);
            small.appended(b, 0, 10 * pid);
        }
        assertThat(small.get(1)).as("evicted: the bound is two").isNull();
        assertThat(small.producerCount()).isEqualTo(2);
        small.expire(1_025);
        assertThat(small.get(2)).as("idle 1005 ms").isNull();
        assertThat(small.get(3)).isNotNull();
    }

    @Test
    void shouldTruncateStateWhenAWriteFails() throws Exception {
        append(batch(PID, 0, 0, 1));
        append(batch(PID, 0, 1, 1));
        table.truncateFrom(101);
        assertThat(table.get(PID).lastSequence()).isZero();
        table.truncateFrom(0);
        assertThat(table.get(PID)).as("an empty entry is dropped: unknown again").isNull();
    }

    @Test
    void shouldRoundTripASnapshotAndRejectACorruptOne() throws Exception {
        append(batch(PID, 3, 0, 2));
        append(batch(PID, 3, 2, 2));
        append(batch(PID + 1, 0, 9, 1));
        ProducerStateSnapshot.write(dir, nextOffset, table);
        ProducerStateSnapshot.Loaded loaded = ProducerStateSnapshot.read(dir);
        assertThat(loaded.offset()).isEqualTo(nextOffset);
        assertThat(loaded.producers()).hasSize(2);
        ProducerEntry restored = loaded.producers().stream().filter(e -> e.producerId == PID).findFirst().orElseThrow();
        assertThat(restored.epoch()).isEqualTo((short) 3);
        assertThat(restored.lastSequence()).isEqualTo(3);
        assertThat(restored.offsetOfDuplicate(2, 3)).isEqualTo(102);

        Path file = dir.resolve(ProducerStateSnapshot.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        assertThatThrownBy(() -> ProducerStateSnapshot.read(dir)).isInstanceOf(IOException.class).hasMessageContaining("CRC");
        Files.delete(file);
        assertThat(ProducerStateSnapshot.read(dir)).isNull();
    }

    @Test
    void shouldWrapSequencesPastTheLargestInt() throws Exception {
        append(batch(PID, 0, Integer.MAX_VALUE - 1, 2));
        assertThat(table.get(PID).lastSequence()).isEqualTo(Integer.MAX_VALUE);
        append(batch(PID, 0, 0, 1));
        assertThat(table.get(PID).lastSequence()).isZero();
    }
}
