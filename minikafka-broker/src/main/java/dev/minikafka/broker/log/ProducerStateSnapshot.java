package dev.minikafka.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A partition's producer state as of one offset, in {@value #FILE_NAME} in the partition directory, so that
 * recovery reads only the log written since instead of the whole log. Big-endian:
 *
 * <pre>
 *  i32 version ({@value #VERSION})   i32 crc32c (of everything after it)   i64 offset   i32 producerCount
 *  per producer: i64 producerId, i16 epoch, i64 lastAppendMs, i32 batchCount,
 *                per batch: i32 firstSequence, i32 lastSequence, i64 baseOffset, i64 lastOffset
 * </pre>
 *
 * The state holds every batch below {@code offset} and none at or above it.
 *
 * <p>Crash story: replaced through {@link AtomicFile}, so a reader finds the previous snapshot or the new
 * one, whole; {@link #read} rejects anything whose CRC or shape is wrong,
 * and recovery then scans more of the log instead. A snapshot past the log end (the log lost an unflushed
 * tail in the crash) is ignored the same way.
 */
final class ProducerStateSnapshot {

    static final String FILE_NAME = "producer-state.snapshot";
    static final int VERSION = 1;
    private static final int HEADER_BYTES = 4 + 4 + 8 + 4;
    private static final int PRODUCER_BYTES = 8 + 2 + 8 + 4;
    private static final int BATCH_BYTES = 4 + 4 + 8 + 8;

    /** A snapshot read back: the offset it was taken at and the producers it held. */
    record Loaded(long offset, List<ProducerEntry> producers) {
    }

    private ProducerStateSnapshot() {
    }

    /**
     * Writes the snapshot; skipped for a partition that has never had an idempotent producer (no producers
     * and no earlier snapshot to replace), so such partitions keep no extra file and pay no extra fsync.
     */
    static void write(Path dir, long offset, ProducerStateTable table) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (table.producerCount() == 0 && !Files.exists(file)) {
            return;
        }
        int size = HEADER_BYTES;
        for (ProducerEntry entry : table.entries()) {
            size += PRODUCER_BYTES + entry.batchCount() * BATCH_BYTES;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putInt(VERSION).putInt(0).putLong(offset).putInt(table.producerCount());
        for (ProducerEntry entry : table.entries()) {
            out.putLong(entry.producerId).putShort(entry.epoch()).putLong(entry.lastAppendMs()).putInt(entry.batchCount());
            entry.forEachBatch((first, last, base, lastOffset) -> out.putInt(first).putInt(last).putLong(base).putLong(lastOffset));
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 8, size - 8);
        out.putInt(4, (int) crc.getValue());
        out.flip();
        AtomicFile.replace(file, out);
    }

    /**
     * @return the snapshot, or null when there is none
     * @throws IOException when it cannot be read or is not exactly in the format above
     */
    static Loaded read(Path dir) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(dir.resolve(FILE_NAME));
        } catch (NoSuchFileException e) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            if (in.getInt() != VERSION) {
                throw new IOException("unknown version");
            }
            int storedCrc = in.getInt();
            CRC32C crc = new CRC32C();
            crc.update(bytes, 8, bytes.length - 8);
            if ((int) crc.getValue() != storedCrc) {
                throw new IOException("CRC mismatch");
            }
            long offset = in.getLong();
            int count = in.getInt();
            if (offset < 0 || count < 0 || count > in.remaining() / PRODUCER_BYTES) {
                throw new IOException("impossible header");
            }
            List<ProducerEntry> producers = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                ProducerEntry entry = new ProducerEntry(in.getLong(), in.getShort());
                long lastAppendMs = in.getLong();
                int batches = in.getInt();
                if (batches < 0 || batches > ProducerEntry.RETAINED_BATCHES) {
                    throw new IOException("impossible batch count " + batches);
                }
                for (int b = 0; b < batches; b++) {
                    int first = in.getInt();
                    int last = in.getInt();
                    long base = in.getLong();
                    entry.append(entry.epoch(), first, last, base, in.getLong(), lastAppendMs);
                }
                producers.add(entry);
            }
            if (in.hasRemaining()) {
                throw new IOException("trailing bytes");
            }
            return new Loaded(offset, producers);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IOException("truncated", e);
        }
    }
}
