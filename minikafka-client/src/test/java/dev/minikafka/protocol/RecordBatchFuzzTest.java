package dev.minikafka.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.instancio.junit.Given;
import org.instancio.junit.InstancioExtension;
import org.instancio.junit.WithSettings;
import org.instancio.settings.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The batch checker and decoder on random and damaged input (see {@link BatchInputs}): they answer with a
 * verdict or a {@link CorruptRecordException}, never another exception, never loop, and never allocate
 * more than the input's size suggests (a huge count or length in a header must not size an array). What the
 * checker passes, the decoder decodes, so the broker never stores a batch its consumers cannot read.
 * The timeout is a hang guard, far above the milliseconds a try takes.
 */
@ExtendWith(InstancioExtension.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RecordBatchFuzzTest {

    private static final int MAX_BATCH_BYTES = 1024 * 1024;

    @WithSettings
    private final Settings settings = FuzzTries.settings();

    static IntStream tries() {
        return FuzzTries.tries(300);
    }

    @ParameterizedTest(name = "try {0}")
    @MethodSource("tries")
    void checkedBatchesDecodeAndEverythingElseIsRejected(int attempt, @Given(BatchInputs.class) BatchInputs.Input input) {
        ByteBuffer buf = input.buffer();
        BatchCheck verdict = RecordBatch.checkAll(buf, 0, buf.limit(), MAX_BATCH_BYTES);
        assertThat(verdict).as(input.how()).isNotNull();
        long counted = RecordBatch.countRecords(buf, 0, buf.limit());
        if (verdict == BatchCheck.OK) {
            // base offsets lie outside the CRC and the check (the broker assigns them), so a mutation may make
            // one negative: decode from the smallest offset there is, or those records count as skipped
            List<Record> records = RecordBatch.decodeAll(buf, Long.MIN_VALUE);
            assertThat(records).as(input.how()).hasSize((int) counted);
            assertThat(records).as(input.how()).extracting(Record::offset).isEqualTo(offsetsOf(buf));
        }
    }

    @ParameterizedTest(name = "try {0}")
    @MethodSource("tries")
    void decodingUncheckedBytesReturnsRecordsOrThrowsCorruptRecord(int attempt,
            @Given(BatchInputs.class) BatchInputs.Input input) {
        ByteBuffer buf = input.buffer();
        List<Record> records = new ArrayList<>();
        Throwable thrown = catchThrowable(() -> records.addAll(RecordBatch.decodeAll(buf, 0)));
        assertThat(thrown).as(input.how()).satisfiesAnyOf(
                t -> assertThat(t).isNull(),
                t -> assertThat(t).isInstanceOf(CorruptRecordException.class));
        // a record takes at least two bytes (its length and attributes), so no more records than that
        assertThat(records.size()).as(input.how()).isLessThanOrEqualTo(input.bytes().length / 2);
    }

    @ParameterizedTest(name = "try {0}")
    @MethodSource("tries")
    void varintsReadAtMostTheirMaximumLengthOrFail(int attempt, @Given(BatchInputs.class) BatchInputs.Input input) {
        ByteBuffer in = input.buffer();
        Throwable thrown = catchThrowable(() -> Varints.readVarint(in));
        assertThat(thrown == null ? in.position() <= 5 : thrown instanceof CorruptRecordException).as(input.how()).isTrue();
        ByteBuffer inLong = input.buffer();
        thrown = catchThrowable(() -> Varints.readVarlong(inLong));
        assertThat(thrown == null ? inLong.position() <= 10 : thrown instanceof CorruptRecordException).as(input.how()).isTrue();
    }

    // ---- the shapes the fuzzing found, kept as examples ----

    @Test
    void shouldRejectARecordCountOfTwoToTheThirtyOneWithoutAllocatingForIt() {
        ByteBuffer batch = withCrcFixed(validBatch(), b -> {
            b.putInt(BatchLayout.RECORD_COUNT_OFFSET, Integer.MAX_VALUE);
            b.putInt(BatchLayout.LAST_OFFSET_DELTA_OFFSET, Integer.MAX_VALUE - 1);
        });
        assertThat(RecordBatch.check(batch, 0, batch.limit(), MAX_BATCH_BYTES)).isEqualTo(BatchCheck.BAD_RECORDS);
        assertThatThrownBy(() -> RecordBatch.decodeAll(batch, 0)).isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void shouldRejectANegativeRecordLengthInsteadOfReadingTheSameBytesAgain() {
        // zig-zag 0x01 is -1: before the fix decode stepped back one byte per record, count times
        ByteBuffer batch = withCrcFixed(validBatch(), b -> {
            b.putInt(BatchLayout.RECORD_COUNT_OFFSET, Integer.MAX_VALUE);
            b.put(BatchLayout.RECORDS_OFFSET, (byte) 0x01);
        });
        assertThatThrownBy(() -> RecordBatch.decodeAll(batch, 0)).isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void shouldRejectAKeyLengthThatRunsPastItsRecordEvenWithAValidCrc() {
        // The checker used to look at length, attributes, timestamp and offset only: a producer could store a
        // batch whose key ran into the next record, and every consumer would then fail on it.
        ByteBuffer batch = withCrcFixed(validBatch(), b -> {
            int at = BatchLayout.RECORDS_OFFSET + 1 + 1 + 1 + 1; // length, attributes, timestampDelta, offsetDelta
            b.put(at, (byte) 0x7E); // key length 63, far past this small record
        });
        assertThat(RecordBatch.check(batch, 0, batch.limit(), MAX_BATCH_BYTES)).isEqualTo(BatchCheck.BAD_RECORDS);
        assertThatThrownBy(() -> RecordBatch.decodeAll(batch, 0)).isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void shouldStopCountingAtALengthThatCannotBeABatch() {
        ByteBuffer batch = validBatch();
        batch.putInt(BatchLayout.BATCH_LENGTH_OFFSET, -BatchLayout.LOG_OVERHEAD); // a size of 0 bytes: no progress
        assertThat(RecordBatch.countRecords(batch, 0, batch.limit())).isZero();
    }

    private static ByteBuffer validBatch() {
        RecordBatchBuilder builder = new RecordBatchBuilder(64);
        builder.append(1L, new byte[] {1}, new byte[] {2, 3}, List.of());
        builder.append(2L, null, new byte[] {4}, List.of());
        ByteBuffer built = builder.build();
        return ByteBuffer.allocate(built.remaining()).put(built).flip();
    }

    private static ByteBuffer withCrcFixed(ByteBuffer batch, java.util.function.Consumer<ByteBuffer> change) {
        change.accept(batch);
        batch.putInt(BatchLayout.CRC_OFFSET, (int) RecordBatch.computeCrc(batch, 0, batch.limit()));
        return batch;
    }

    /** The offsets the headers of a checked run promise: each batch's base offset up to its last. */
    private static List<Long> offsetsOf(ByteBuffer buf) {
        List<Long> offsets = new ArrayList<>();
        for (int pos = 0; pos < buf.limit(); pos += RecordBatch.sizeInBytes(buf, pos)) {
            for (long o = RecordBatch.baseOffset(buf, pos); o <= RecordBatch.lastOffset(buf, pos); o++) {
                offsets.add(o);
            }
        }
        return offsets;
    }
}
