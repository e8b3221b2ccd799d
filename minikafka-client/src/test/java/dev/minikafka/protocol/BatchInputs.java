package dev.minikafka.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.instancio.Random;
import org.instancio.junit.GivenProvider;

/**
 * Generates inputs for the batch decoder: random bytes, or a run of valid batches built by the real
 * {@link RecordBatchBuilder} and then damaged in one of several ways (flipped bytes, truncation, garbage
 * appended, a zeroed range, an extreme header value, an overlong varint). Half the damaged runs get their
 * CRC recomputed, so the damage reaches the record walk behind the CRC check instead of stopping there.
 */
public final class BatchInputs implements GivenProvider {

    /** The bytes to decode and how they were made, for the failure message. */
    public record Input(byte[] bytes, String how) {

        public ByteBuffer buffer() {
            return ByteBuffer.wrap(bytes.clone());
        }

        @Override
        public String toString() {
            return how + " (" + bytes.length + " bytes)";
        }
    }

    private static final int[] EXTREMES = {-1, 0, 1, 2, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 30, (1 << 31) - 1,
            BatchLayout.HEADER_SIZE - BatchLayout.LOG_OVERHEAD - 1, BatchLayout.HEADER_SIZE - BatchLayout.LOG_OVERHEAD,
            BatchLayout.HEADER_SIZE};
    private static final int[] HEADER_FIELDS = {BatchLayout.BATCH_LENGTH_OFFSET, BatchLayout.LAST_OFFSET_DELTA_OFFSET,
            BatchLayout.RECORD_COUNT_OFFSET, BatchLayout.BASE_SEQUENCE_OFFSET, BatchLayout.MAGIC_OFFSET,
            BatchLayout.ATTRIBUTES_OFFSET};

    @Override
    public Object provide(ElementContext context) {
        Random random = context.random();
        int kind = random.intRange(0, 7);
        String seed = "seed " + random.getSeed() + ": ";
        if (kind == 0) {
            return new Input(randomBytes(random, random.intRange(0, 300)), seed + "random bytes");
        }
        List<Integer> starts = new ArrayList<>();
        byte[] run = validRun(random, starts);
        ByteBuffer buf = ByteBuffer.wrap(run);
        int batch = starts.get(random.intRange(0, starts.size() - 1));
        String how = switch (kind) {
            case 1 -> flip(random, buf, 0, run.length);
            case 2 -> {
                int length = random.intRange(0, run.length - 1);
                run = java.util.Arrays.copyOf(run, length);
                yield "truncated to " + length;
            }
            case 3 -> {
                byte[] garbage = randomBytes(random, random.intRange(1, 100));
                byte[] longer = java.util.Arrays.copyOf(run, run.length + garbage.length);
                System.arraycopy(garbage, 0, longer, run.length, garbage.length);
                run = longer;
                yield garbage.length + " garbage bytes appended";
            }
            case 4 -> {
                int from = random.intRange(0, run.length - 1);
                int to = random.intRange(from, Math.min(run.length, from + 64));
                java.util.Arrays.fill(run, from, to, (byte) 0);
                yield "zeroed [" + from + ", " + to + ")";
            }
            case 5 -> {
                int field = HEADER_FIELDS[random.intRange(0, HEADER_FIELDS.length - 1)];
                int value = EXTREMES[random.intRange(0, EXTREMES.length - 1)];
                if (field == BatchLayout.MAGIC_OFFSET) {
                    buf.put(batch + field, (byte) value);
                } else if (field == BatchLayout.ATTRIBUTES_OFFSET) {
                    buf.putShort(batch + field, (short) value);
                } else {
                    buf.putInt(batch + field, value);
                }
                yield "header field at " + field + " of the batch at " + batch + " set to " + value + fixCrc(random, buf, batch);
            }
            case 6 -> {
                int at = random.intRange(batch + BatchLayout.RECORDS_OFFSET, RecordBatch.sizeInBytes(buf, batch) + batch - 1);
                int length = random.intRange(1, 11);
                for (int i = at; i < Math.min(run.length, at + length); i++) {
                    run[i] = (byte) 0xFF;
                }
                yield length + " varint continuation bytes (0xFF) at " + at + fixCrc(random, buf, batch);
            }
            default -> {
                int size = RecordBatch.sizeInBytes(buf, batch);
                yield flip(random, buf, batch + BatchLayout.RECORDS_OFFSET, batch + size) + " inside the records of the batch at "
                        + batch + fixCrc(random, buf, batch);
            }
        };
        return new Input(run, seed + starts.size() + " valid batches, " + how);
    }

    /** One to three batches with random records, base offsets assigned consecutively as the broker does. */
    static byte[] validRun(Random random, List<Integer> starts) {
        ByteBuffer out = ByteBuffer.allocate(64 * 1024);
        int batches = random.intRange(1, 3);
        long nextOffset = random.longRange(0, 1L << 40);
        RecordBatchBuilder builder = new RecordBatchBuilder(256);
        for (int b = 0; b < batches; b++) {
            builder.reset();
            int records = random.intRange(1, 8);
            long timestamp = random.longRange(0, 1L << 42);
            for (int r = 0; r < records; r++) {
                byte[] key = random.trueOrFalse(0.3) ? null : randomBytes(random, random.intRange(0, 20));
                byte[] value = random.trueOrFalse(0.1) ? null : randomBytes(random, random.intRange(0, 60));
                List<Header> headers = new ArrayList<>();
                for (int h = random.intRange(0, 2); h > 0; h--) {
                    headers.add(new Header(random.alphanumeric(random.intRange(1, 8)),
                            random.trueOrFalse(0.2) ? null : randomBytes(random, random.intRange(0, 10))));
                }
                builder.append(timestamp + random.intRange(-1000, 1000), key, value, headers);
            }
            ByteBuffer batch = builder.build();
            starts.add(out.position());
            int start = out.position();
            out.put(batch);
            RecordBatch.setBaseOffset(out, start, nextOffset);
            nextOffset += records;
        }
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.intRange(0, 255);
        }
        return bytes;
    }

    private static String flip(Random random, ByteBuffer buf, int from, int to) {
        int flips = random.intRange(1, 4);
        StringBuilder where = new StringBuilder(flips + " byte(s) changed at");
        for (int i = 0; i < flips && to > from; i++) {
            int at = random.intRange(from, to - 1);
            buf.put(at, (byte) (buf.get(at) ^ random.intRange(1, 255)));
            where.append(' ').append(at);
        }
        return where.toString();
    }

    /** Recomputes the batch's CRC half the time, when its length still fits the buffer. */
    private static String fixCrc(Random random, ByteBuffer buf, int batch) {
        int size = RecordBatch.sizeInBytes(buf, batch);
        if (!random.trueOrFalse() || size < BatchLayout.HEADER_SIZE || size > buf.limit() - batch) {
            return "";
        }
        buf.putInt(batch + BatchLayout.CRC_OFFSET, (int) RecordBatch.computeCrc(buf, batch, size));
        return ", CRC recomputed";
    }
}
