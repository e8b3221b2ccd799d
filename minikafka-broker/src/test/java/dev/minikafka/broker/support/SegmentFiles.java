package dev.minikafka.broker.support;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.minikafka.protocol.BatchCheck;
import dev.minikafka.protocol.BatchLayout;
import dev.minikafka.protocol.Record;
import dev.minikafka.protocol.RecordBatch;

/**
 * Reads a partition directory's segment files as they lie on disk, independently of the broker's code:
 * every batch must pass its CRC and framing check and carry the offsets that follow the previous one, and
 * each segment must start where the one before ended. Used by the crash tests after recovery.
 */
public final class SegmentFiles {

    private SegmentFiles() {
    }

    /** Every record of the partition's live segments (not {@code *.deleted}), in offset order. */
    public static List<Record> readAll(Path partitionDir) throws IOException {
        List<Path> logs;
        try (Stream<Path> files = Files.list(partitionDir)) {
            logs = files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
        }
        List<Record> records = new ArrayList<>();
        long expected = -1;
        for (Path file : logs) {
            long base = Long.parseLong(file.getFileName().toString().replace(".log", ""));
            if (expected >= 0 && base != expected) {
                throw new AssertionError(file + " starts at " + base + " but the segment before ended at " + expected);
            }
            expected = base;
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
            int position = 0;
            while (position < bytes.limit()) {
                if (bytes.limit() - position < BatchLayout.HEADER_SIZE) {
                    throw new AssertionError(file + " ends in a torn batch header at " + position);
                }
                int size = RecordBatch.sizeInBytes(bytes, position);
                BatchCheck check = RecordBatch.check(bytes, position, bytes.limit(), Integer.MAX_VALUE);
                if (check != BatchCheck.OK) {
                    throw new AssertionError(file + ": the batch at " + position + " fails its check: " + check);
                }
                if (RecordBatch.baseOffset(bytes, position) != expected) {
                    throw new AssertionError(file + ": the batch at " + position + " starts at offset "
                            + RecordBatch.baseOffset(bytes, position) + ", expected " + expected);
                }
                RecordBatch.decode(bytes, position, 0, records);
                expected = RecordBatch.lastOffset(bytes, position) + 1;
                position += size;
            }
        }
        return records;
    }
}
