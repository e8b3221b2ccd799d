package dev.minikafka.protocol;

import static dev.minikafka.protocol.BatchLayout.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes records into one batch in {@link BatchLayout} format. Reusable: {@link #reset()} starts the next
 * batch in the same buffer. Not thread-safe; a producer keeps one per partition accumulator.
 */
public final class RecordBatchBuilder {

    private ByteBuffer buffer;
    private int recordCount;
    private long firstTimestamp;
    private long maxTimestamp;

    public RecordBatchBuilder(int initialCapacity) {
        this.buffer = ByteBuffer.allocate(Math.max(initialCapacity, HEADER_SIZE + 64));
        reset();
    }

    /** Discards the records appended so far and starts a new, empty batch. */
    public void reset() {
        buffer.clear();
        buffer.position(RECORDS_OFFSET);
        recordCount = 0;
        firstTimestamp = -1L;
        maxTimestamp = -1L;
    }

    public int recordCount() {
        return recordCount;
    }

    /** Bytes the batch would occupy if built now. */
    public int sizeInBytes() {
        return buffer.position();
    }

    /** Exact encoded size of one record, header fields included. */
    public static int recordSize(long timestampDelta, int offsetDelta, byte[] key, byte[] value, List<Header> headers) {
        int body = bodySize(timestampDelta, offsetDelta, key, value, headers);
        return Varints.sizeOfVarint(body) + body;
    }

    /** An upper bound on the bytes a record adds to a batch, for buffer accounting before appending. */
    public static int estimateRecordSize(byte[] key, byte[] value, List<Header> headers) {
        return recordSize(Long.MAX_VALUE / 2, Integer.MAX_VALUE, key, value, headers);
    }

    /** Appends one record; timestamps are the producer's create time in epoch milliseconds. */
    public void append(long timestamp, byte[] key, byte[] value, List<Header> headers) {
        if (recordCount == 0) {
            firstTimestamp = timestamp;
        }
        long timestampDelta = timestamp - firstTimestamp;
        int offsetDelta = recordCount;
        int body = bodySize(timestampDelta, offsetDelta, key, value, headers);
        ensureRoom(Varints.sizeOfVarint(body) + body);
        ByteBuffer out = buffer;
        Varints.writeVarint(body, out);
        out.put((byte) 0);
        Varints.writeVarlong(timestampDelta, out);
        Varints.writeVarint(offsetDelta, out);
        writeBytes(key, out);
        writeBytes(value, out);
        int headerCount = headers == null ? 0 : headers.size();
        Varints.writeVarint(headerCount, out);
        for (int i = 0; i < headerCount; i++) {
            Header header = headers.get(i);
            writeBytes(header.key().getBytes(StandardCharsets.UTF_8), out);
            writeBytes(header.value(), out);
        }
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        recordCount++;
    }

    /**
     * Fills in the header and CRC and returns the batch as a read-only view of this builder's buffer, valid
     * until the next {@link #reset()}. The base offset is 0; the broker assigns the real one.
     */
    public ByteBuffer build(long producerId, short producerEpoch, int baseSequence) {
        if (recordCount == 0) {
            throw new IllegalStateException("a batch needs at least one record");
        }
        ByteBuffer out = buffer;
        int end = out.position();
        out.putLong(BASE_OFFSET_OFFSET, 0L);
        out.putInt(BATCH_LENGTH_OFFSET, end - LOG_OVERHEAD);
        out.put(MAGIC_OFFSET, MAGIC_V1);
        out.putShort(ATTRIBUTES_OFFSET, (short) 0);
        out.putInt(LAST_OFFSET_DELTA_OFFSET, recordCount - 1);
        out.putLong(FIRST_TIMESTAMP_OFFSET, firstTimestamp);
        out.putLong(MAX_TIMESTAMP_OFFSET, maxTimestamp);
        out.putLong(PRODUCER_ID_OFFSET, producerId);
        out.putShort(PRODUCER_EPOCH_OFFSET, producerEpoch);
        out.putInt(BASE_SEQUENCE_OFFSET, baseSequence);
        out.putInt(RECORD_COUNT_OFFSET, recordCount);
        CRC32C crc = new CRC32C();
        crc.update(out.slice(ATTRIBUTES_OFFSET, end - ATTRIBUTES_OFFSET));
        out.putInt(CRC_OFFSET, (int) crc.getValue());
        return out.slice(0, end).asReadOnlyBuffer();
    }

    /** Builds a batch without producer identity (not idempotent). */
    public ByteBuffer build() {
        return build(NO_PRODUCER_ID, NO_PRODUCER_EPOCH, NO_SEQUENCE);
    }

    private static int bodySize(long timestampDelta, int offsetDelta, byte[] key, byte[] value, List<Header> headers) {
        int size = 1 + Varints.sizeOfVarlong(timestampDelta) + Varints.sizeOfVarint(offsetDelta)
                + sizeOfBytes(key) + sizeOfBytes(value);
        int headerCount = headers == null ? 0 : headers.size();
        size += Varints.sizeOfVarint(headerCount);
        for (int i = 0; i < headerCount; i++) {
            Header header = headers.get(i);
            size += sizeOfBytes(header.key().getBytes(StandardCharsets.UTF_8)) + sizeOfBytes(header.value());
        }
        return size;
    }

    private static int sizeOfBytes(byte[] bytes) {
        return bytes == null ? Varints.sizeOfVarint(-1) : Varints.sizeOfVarint(bytes.length) + bytes.length;
    }

    private static void writeBytes(byte[] bytes, ByteBuffer out) {
        if (bytes == null) {
            Varints.writeVarint(-1, out);
        } else {
            Varints.writeVarint(bytes.length, out);
            out.put(bytes);
        }
    }

    private void ensureRoom(int bytes) {
        if (buffer.remaining() >= bytes) {
            return;
        }
        int needed = buffer.position() + bytes;
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(needed, buffer.capacity() * 2));
        buffer.flip();
        bigger.put(buffer);
        buffer = bigger;
    }
}
