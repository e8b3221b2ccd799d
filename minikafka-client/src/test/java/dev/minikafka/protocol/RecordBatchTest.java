package dev.minikafka.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class RecordBatchTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A private copy of a built batch (the builder's view is reused on reset). */
    private static ByteBuffer build(RecordBatchBuilder builder) {
        ByteBuffer view = builder.build();
        ByteBuffer copy = ByteBuffer.allocate(view.remaining());
        copy.put(view).flip();
        return copy;
    }

    @Test
    void shouldRoundTripKeysValuesHeadersAndTimestamps() {
        RecordBatchBuilder builder = new RecordBatchBuilder(64);
        builder.append(1_000L, utf8("k1"), utf8("v1"), List.of(Header.of("h", "x")));
        builder.append(1_005L, null, utf8("v2"), List.of());
        builder.append(999L, utf8("k3"), null, List.of(new Header("empty", null)));
        ByteBuffer batch = build(builder);
        RecordBatch.setBaseOffset(batch, 0, 40);

        assertThat(RecordBatch.check(batch, 0, batch.limit(), Integer.MAX_VALUE)).isEqualTo(BatchCheck.OK);
        assertThat(RecordBatch.recordCount(batch, 0)).isEqualTo(3);
        assertThat(RecordBatch.lastOffset(batch, 0)).isEqualTo(42);
        assertThat(RecordBatch.firstTimestamp(batch, 0)).isEqualTo(1_000L);
        assertThat(RecordBatch.maxTimestamp(batch, 0)).isEqualTo(1_005L);
        assertThat(RecordBatch.sizeInBytes(batch, 0)).isEqualTo(batch.limit());

        List<Record> records = RecordBatch.decodeAll(batch, 0);
        assertThat(records).extracting(Record::offset).containsExactly(40L, 41L, 42L);
        assertThat(records).extracting(Record::timestamp).containsExactly(1_000L, 1_005L, 999L);
        assertThat(records.get(0).keyAsString()).isEqualTo("k1");
        assertThat(records.get(0).headers()).singleElement().satisfies(h -> assertThat(h.valueAsString()).isEqualTo("x"));
        assertThat(records.get(1).key()).isNull();
        assertThat(records.get(2).value()).isNull();
        assertThat(records.get(2).headers().get(0).value()).isNull();
    }

    @Test
    void shouldComputeTheSameCrcThroughAReadOnlyHeapViewAsThroughTheArray() {
        RecordBatchBuilder builder = new RecordBatchBuilder(64);
        for (int i = 0; i < 300; i++) { // ~30 KB: several rounds of the per-thread scratch array
            builder.append(i, null, utf8("value-" + i + "-".repeat(90)), List.of());
        }
        ByteBuffer batch = build(builder);
        ByteBuffer readOnly = batch.asReadOnlyBuffer();
        ByteBuffer direct = ByteBuffer.allocateDirect(batch.limit()).put(batch.duplicate()).flip();

        long expected = RecordBatch.computeCrc(batch, 0, batch.limit());
        assertThat(readOnly.hasArray()).isFalse();
        assertThat(RecordBatch.computeCrc(readOnly, 0, readOnly.limit())).isEqualTo(expected);
        assertThat(RecordBatch.computeCrc(direct, 0, direct.limit())).isEqualTo(expected);
        assertThat(RecordBatch.check(readOnly, 0, readOnly.limit(), Integer.MAX_VALUE)).isEqualTo(BatchCheck.OK);
        assertThat(readOnly.position()).isZero(); // the caller's buffer is not moved
    }

    @Test
    void shouldSkipRecordsBelowTheRequestedOffset() {
        RecordBatchBuilder builder = new RecordBatchBuilder(64);
        for (int i = 0; i < 5; i++) {
            builder.append(i, null, utf8("v" + i), List.of());
        }
        ByteBuffer batch = build(builder);
        assertThat(RecordBatch.decodeAll(batch, 3)).extracting(Record::valueAsString).containsExactly("v3", "v4");
    }

    @Test
    void shouldDetectEveryFlippedByteAfterTheCrcField() {
        RecordBatchBuilder builder = new RecordBatchBuilder(64);
        builder.append(7L, utf8("key"), utf8("value"), List.of());
        ByteBuffer batch = build(builder);
        for (int i = BatchLayout.ATTRIBUTES_OFFSET; i < batch.limit(); i++) {
            ByteBuffer copy = ByteBuffer.allocate(batch.limit()).put(batch.duplicate()).flip();
            copy.put(i, (byte) (copy.get(i) ^ 0x40));
            assertThat(RecordBatch.check(copy, 0, copy.limit(), Integer.MAX_VALUE)).as("byte %d", i)
                    .isNotEqualTo(BatchCheck.OK);
        }
    }

    @Test
    void shouldReportTruncatedTooLargeAndBadMagicBatches() {
        RecordBatchBuilder builder = new RecordBatchBuilder(64);
        builder.append(7L, null, new byte[200], List.of());
        ByteBuffer batch = build(builder);
        assertThat(RecordBatch.check(batch, 0, batch.limit() - 1, Integer.MAX_VALUE)).isEqualTo(BatchCheck.TRUNCATED);
        assertThat(RecordBatch.check(batch, 0, batch.limit(), 100)).isEqualTo(BatchCheck.TOO_LARGE);
        batch.put(BatchLayout.MAGIC_OFFSET, (byte) 1);
        assertThat(RecordBatch.check(batch, 0, batch.limit(), Integer.MAX_VALUE)).isEqualTo(BatchCheck.BAD_MAGIC);
    }

    @Test
    void shouldCheckARunOfBatchesAndFindTheBadOne() {
        RecordBatchBuilder builder = new RecordBatchBuilder(64);
        builder.append(1L, null, utf8("a"), List.of());
        ByteBuffer first = build(builder);
        builder.reset();
        builder.append(2L, null, utf8("b"), List.of());
        ByteBuffer second = build(builder);
        ByteBuffer run = ByteBuffer.allocate(first.limit() + second.limit()).put(first).put(second).flip();
        assertThat(RecordBatch.checkAll(run, 0, run.limit(), Integer.MAX_VALUE)).isEqualTo(BatchCheck.OK);
        run.put(run.limit() - 1, (byte) (run.get(run.limit() - 1) ^ 1));
        assertThat(RecordBatch.checkAll(run, 0, run.limit(), Integer.MAX_VALUE)).isEqualTo(BatchCheck.BAD_CRC);
        assertThat(RecordBatch.checkAll(run, 0, 0, Integer.MAX_VALUE)).isEqualTo(BatchCheck.EMPTY);
    }

    @Test
    void shouldEstimateAtLeastTheExactRecordSize() {
        byte[] key = utf8("some-key");
        byte[] value = new byte[1000];
        List<Header> headers = List.of(Header.of("trace-id", "0123456789"));
        assertThat(RecordBatchBuilder.estimateRecordSize(key, value, headers))
                .isGreaterThanOrEqualTo(RecordBatchBuilder.recordSize(Long.MAX_VALUE / 2, Integer.MAX_VALUE, key, value, headers));
    }

    @Test
    void varintsRoundTripAndRejectOverlongInput() {
        ByteBuffer buf = ByteBuffer.allocate(64);
        long[] values = {0, 1, -1, 63, -64, 64, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE};
        for (long v : values) {
            Varints.writeVarlong(v, buf);
        }
        buf.flip();
        for (long v : values) {
            assertThat(Varints.readVarlong(buf)).isEqualTo(v);
        }
        ByteBuffer overlong = ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1});
        assertThatThrownBy(() -> Varints.readVarint(overlong)).isInstanceOf(RuntimeException.class);
    }
}
