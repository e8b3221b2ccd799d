package dev.minikafka.protocol;

import static dev.minikafka.protocol.BatchLayout.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Static accessors over a batch that starts at an absolute position of a buffer, in the style of a
 * flyweight: reading or checking a batch allocates nothing but the CRC object, so the broker can validate
 * and index produce requests without per-record objects. Positions are absolute; buffer positions and
 * limits are never changed (except by {@link #decode}, on its own duplicate).
 */
public final class RecordBatch {

    /** See {@link #updateThroughScratch}. */
    private static final ThreadLocal<byte[]> CRC_SCRATCH = ThreadLocal.withInitial(() -> new byte[8192]);

    private RecordBatch() {
    }

    public static long baseOffset(ByteBuffer buf, int pos) {
        return buf.getLong(pos + BASE_OFFSET_OFFSET);
    }

    public static void setBaseOffset(ByteBuffer buf, int pos, long baseOffset) {
        buf.putLong(pos + BASE_OFFSET_OFFSET, baseOffset);
    }

    /** Total bytes the batch occupies, header included. */
    public static int sizeInBytes(ByteBuffer buf, int pos) {
        return LOG_OVERHEAD + buf.getInt(pos + BATCH_LENGTH_OFFSET);
    }

    public static int lastOffsetDelta(ByteBuffer buf, int pos) {
        return buf.getInt(pos + LAST_OFFSET_DELTA_OFFSET);
    }

    public static long lastOffset(ByteBuffer buf, int pos) {
        return baseOffset(buf, pos) + lastOffsetDelta(buf, pos);
    }

    public static int recordCount(ByteBuffer buf, int pos) {
        return buf.getInt(pos + RECORD_COUNT_OFFSET);
    }

    /**
     * Records in the whole batches between {@code from} and {@code limit}; a torn tail is not counted, and
     * counting stops at a length that cannot be a batch's (so it always ends, even on unchecked bytes).
     */
    public static long countRecords(ByteBuffer buf, int from, int limit) {
        long records = 0;
        int pos = from;
        while (limit - pos >= BatchLayout.HEADER_SIZE) {
            int size = sizeInBytes(buf, pos);
            if (size < HEADER_SIZE || size > limit - pos) {
                break;
            }
            records += recordCount(buf, pos);
            pos += size;
        }
        return records;
    }

    public static long firstTimestamp(ByteBuffer buf, int pos) {
        return buf.getLong(pos + FIRST_TIMESTAMP_OFFSET);
    }

    public static long maxTimestamp(ByteBuffer buf, int pos) {
        return buf.getLong(pos + MAX_TIMESTAMP_OFFSET);
    }

    public static short attributes(ByteBuffer buf, int pos) {
        return buf.getShort(pos + ATTRIBUTES_OFFSET);
    }

    public static long producerId(ByteBuffer buf, int pos) {
        return buf.getLong(pos + PRODUCER_ID_OFFSET);
    }

    public static short producerEpoch(ByteBuffer buf, int pos) {
        return buf.getShort(pos + PRODUCER_EPOCH_OFFSET);
    }

    public static int baseSequence(ByteBuffer buf, int pos) {
        return buf.getInt(pos + BASE_SEQUENCE_OFFSET);
    }

    /**
     * Stamps the batch with the broker's time (log-append time): sets both timestamps, the timestamp-type
     * bit, and recomputes the CRC, which is why Kafka and MiniKafka only do it when a topic asks for it.
     */
    public static void setLogAppendTime(ByteBuffer buf, int pos, long timestamp) {
        short attributes = (short) (attributes(buf, pos) | TIMESTAMP_TYPE_LOG_APPEND);
        buf.putShort(pos + ATTRIBUTES_OFFSET, attributes);
        buf.putLong(pos + FIRST_TIMESTAMP_OFFSET, timestamp);
        buf.putLong(pos + MAX_TIMESTAMP_OFFSET, timestamp);
        buf.putInt(pos + CRC_OFFSET, (int) computeCrc(buf, pos, sizeInBytes(buf, pos)));
    }

    public static boolean isLogAppendTime(ByteBuffer buf, int pos) {
        return (attributes(buf, pos) & TIMESTAMP_TYPE_LOG_APPEND) != 0;
    }

    /** CRC-32C over the bytes the stored CRC covers. */
    public static long computeCrc(ByteBuffer buf, int pos, int size) {
        CRC32C crc = new CRC32C();
        ByteBuffer covered = buf.slice(pos + ATTRIBUTES_OFFSET, size - ATTRIBUTES_OFFSET);
        if (covered.isDirect() || covered.hasArray()) {
            crc.update(covered);
        } else {
            updateThroughScratch(crc, covered);
        }
        return crc.getValue();
    }

    /** Whether the CRC stored in the batch of {@code size} bytes at {@code pos} matches its contents. */
    public static boolean crcMatches(ByteBuffer buf, int pos, int size) {
        return (int) computeCrc(buf, pos, size) == buf.getInt(pos + CRC_OFFSET);
    }

    /**
     * A read-only heap buffer (the broker checks produced batches in a read-only view of the request) has no
     * array to hand out, and {@link CRC32C#update(ByteBuffer)} then copies it into a new array on every call:
     * about 7 % of what the broker allocated taking 200,000 records a second. The same copy goes through one
     * array per thread instead.
     */
    private static void updateThroughScratch(CRC32C crc, ByteBuffer covered) {
        byte[] scratch = CRC_SCRATCH.get();
        while (covered.hasRemaining()) {
            int length = Math.min(covered.remaining(), scratch.length);
            covered.get(scratch, 0, length);
            crc.update(scratch, 0, length);
        }
    }

    /**
     * Checks the batch at {@code pos}, which must end at or before {@code limit}: length, magic, CRC, and that
     * the records inside agree with the header. Walks the records' varints but creates no objects.
     */
    public static BatchCheck check(ByteBuffer buf, int pos, int limit, int maxBatchBytes) {
        if (limit - pos < HEADER_SIZE) {
            return BatchCheck.TRUNCATED;
        }
        int batchLength = buf.getInt(pos + BATCH_LENGTH_OFFSET);
        if (batchLength < HEADER_SIZE - LOG_OVERHEAD) {
            return BatchCheck.BAD_LENGTH;
        }
        int size = LOG_OVERHEAD + batchLength;
        if (size < 0 || size > limit - pos) {
            return BatchCheck.TRUNCATED;
        }
        if (size > maxBatchBytes) {
            return BatchCheck.TOO_LARGE;
        }
        if (buf.get(pos + MAGIC_OFFSET) != MAGIC_V1) {
            return BatchCheck.BAD_MAGIC;
        }
        if (!crcMatches(buf, pos, size)) {
            return BatchCheck.BAD_CRC;
        }
        if ((attributes(buf, pos) & COMPRESSION_MASK) != 0) {
            return BatchCheck.UNSUPPORTED_COMPRESSION;
        }
        return checkRecords(buf, pos, size);
    }

    /** Checks a run of concatenated batches filling {@code [pos, limit)}. */
    public static BatchCheck checkAll(ByteBuffer buf, int pos, int limit, int maxBatchBytes) {
        if (pos >= limit) {
            return BatchCheck.EMPTY;
        }
        while (pos < limit) {
            BatchCheck result = check(buf, pos, limit, maxBatchBytes);
            if (result != BatchCheck.OK) {
                return result;
            }
            pos += sizeInBytes(buf, pos);
        }
        return BatchCheck.OK;
    }

    private static BatchCheck checkRecords(ByteBuffer buf, int pos, int size) {
        int count = recordCount(buf, pos);
        if (count <= 0 || lastOffsetDelta(buf, pos) != count - 1) {
            return BatchCheck.BAD_RECORDS;
        }
        int end = pos + size;
        ByteBuffer in = buf.duplicate();
        in.limit(end).position(pos + RECORDS_OFFSET);
        try {
            for (int i = 0; i < count; i++) {
                int next = recordEnd(in, end);
                in.get(); // attributes
                Varints.readVarlong(in);
                if (Varints.readVarint(in) != i) {
                    return BatchCheck.BAD_RECORDS;
                }
                // every field must lie inside the record and fill it exactly, so what passes here decodes
                skipBytes(in);
                skipBytes(in);
                int headerCount = Varints.readVarint(in);
                if (headerCount < 0) {
                    return BatchCheck.BAD_RECORDS;
                }
                for (int h = 0; h < headerCount; h++) {
                    if (skipBytes(in) < 0) {
                        return BatchCheck.BAD_RECORDS; // a null header key
                    }
                    skipBytes(in);
                }
                if (in.position() != next) {
                    return BatchCheck.BAD_RECORDS;
                }
                in.limit(end);
            }
        } catch (CorruptRecordException | IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
            return BatchCheck.BAD_RECORDS;
        }
        return in.hasRemaining() ? BatchCheck.BAD_RECORDS : BatchCheck.OK;
    }

    /**
     * Reads a record's length varint and limits {@code in} to that record, so no field of it can be read
     * past its end; returns the record's end. A record takes at least one byte after its length, so a walk
     * over {@code recordCount} records ends after at most as many steps as the batch has bytes, whatever
     * the count says.
     */
    private static int recordEnd(ByteBuffer in, int batchEnd) {
        int length = Varints.readVarint(in);
        if (length <= 0 || length > batchEnd - in.position()) {
            throw new CorruptRecordException("record length " + length + " does not fit in its batch");
        }
        int next = in.position() + length;
        in.limit(next);
        return next;
    }

    /** Steps over a length-prefixed field without copying it; returns its length (-1 = null). */
    private static int skipBytes(ByteBuffer in) {
        int length = Varints.readVarint(in);
        if (length > in.remaining()) {
            throw new CorruptRecordException("field length " + length + " runs past the end of the record");
        }
        if (length > 0) {
            in.position(in.position() + length);
        }
        return length;
    }

    /**
     * Decodes the records of the batch at {@code pos} whose offset is at least {@code minOffset}, adding
     * them to {@code out}. For consumers; the batch is assumed checked.
     *
     * @throws CorruptRecordException if the records cannot be read
     */
    public static void decode(ByteBuffer buf, int pos, long minOffset, List<Record> out) {
        decode(buf, pos, minOffset, (offset, timestamp, key, value, headers) ->
                out.add(new Record(offset, timestamp, key, value, headers)));
    }

    /** Receives decoded records one by one, so a consumer can build its own record type without a copy. */
    @FunctionalInterface
    public interface RecordVisitor {
        void visit(long offset, long timestamp, byte[] key, byte[] value, List<Header> headers);
    }

    /**
     * Decodes the records of the batch at {@code pos} whose offset is at least {@code minOffset}, handing
     * each to {@code visitor}. The batch is assumed checked.
     *
     * @throws CorruptRecordException if the records cannot be read
     */
    public static void decode(ByteBuffer buf, int pos, long minOffset, RecordVisitor visitor) {
        int size = sizeInBytes(buf, pos);
        long baseOffset = baseOffset(buf, pos);
        long firstTimestamp = firstTimestamp(buf, pos);
        boolean logAppendTime = isLogAppendTime(buf, pos);
        long batchTimestamp = maxTimestamp(buf, pos);
        int count = recordCount(buf, pos);
        ByteBuffer in = buf.duplicate();
        int end = pos + size;
        try {
            in.limit(end).position(pos + RECORDS_OFFSET);
            for (int i = 0; i < count; i++) {
                int next = recordEnd(in, end);
                in.get();
                long timestampDelta = Varints.readVarlong(in);
                int offsetDelta = Varints.readVarint(in);
                long offset = baseOffset + offsetDelta;
                if (offset < minOffset) {
                    in.limit(end).position(next);
                    continue;
                }
                byte[] key = readBytes(in);
                byte[] value = readBytes(in);
                int headerCount = Varints.readVarint(in);
                if (headerCount < 0 || headerCount > in.remaining()) { // each header takes at least two bytes
                    throw new CorruptRecordException("bad header count " + headerCount);
                }
                List<Header> headers = headerCount == 0 ? List.of() : new ArrayList<>(headerCount);
                for (int h = 0; h < headerCount; h++) {
                    byte[] headerKey = readBytes(in);
                    if (headerKey == null) {
                        throw new CorruptRecordException("null header key");
                    }
                    headers.add(new Header(new String(headerKey, StandardCharsets.UTF_8), readBytes(in)));
                }
                long timestamp = logAppendTime ? batchTimestamp : firstTimestamp + timestampDelta;
                visitor.visit(offset, timestamp, key, value, headers);
                in.limit(end).position(next);
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException | java.nio.BufferUnderflowException e) {
            throw new CorruptRecordException("record runs past the end of its batch at offset " + baseOffset);
        }
    }

    /** Decodes every record at or above {@code minOffset} in a run of concatenated batches. */
    public static List<Record> decodeAll(ByteBuffer buf, long minOffset) {
        List<Record> records = new ArrayList<>();
        int pos = buf.position();
        int limit = buf.limit();
        while (limit - pos >= HEADER_SIZE) {
            int size = sizeInBytes(buf, pos);
            if (size < HEADER_SIZE || size > limit - pos) {
                break; // a partial batch at the end of a size-bounded read
            }
            decode(buf, pos, minOffset, records);
            pos += size;
        }
        return records;
    }

    private static byte[] readBytes(ByteBuffer in) {
        int length = Varints.readVarint(in);
        if (length < 0) {
            return null;
        }
        if (length > in.remaining()) {
            throw new CorruptRecordException("field length " + length + " runs past the end of the record");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }
}
