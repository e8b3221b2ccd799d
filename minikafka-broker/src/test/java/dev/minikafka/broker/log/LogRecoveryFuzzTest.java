package dev.minikafka.broker.log;

import static dev.minikafka.broker.log.LogTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.instancio.Random;
import org.instancio.junit.Given;
import org.instancio.junit.InstancioExtension;
import org.instancio.junit.WithSettings;
import org.instancio.settings.Settings;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.minikafka.broker.support.Fuzz;
import dev.minikafka.protocol.Record;
import dev.minikafka.protocol.RecordBatch;

/**
 * Crash recovery on damaged files. Each try writes a log with the real code (small segments, so it has
 * several), checkpoints a recovery point, writes more, shuts down, then makes it look like a crash right
 * after the checkpoint (no clean-shutdown marker, the checkpoint of that moment) and damages one kind of
 * file with random mutations: flipped bytes, truncation, appended garbage, a zeroed range.
 *
 * <ul>
 *   <li>the log past the recovery point (what a crash may tear): recovery cuts at the first bad batch, so
 *       the log serves a prefix of what was written that keeps every record below the point;</li>
 *   <li>an offset or time index of any segment, or the checkpoint file: the log bytes are intact, so every
 *       record written is served; a damaged index is rebuilt, a damaged checkpoint ignored.</li>
 * </ul>
 *
 * In every case opening never throws, reads by offset agree with the full scan, and appends continue at the
 * next dense offset. Bytes below the recovery point are trusted without a CRC check (they were fsynced),
 * as in Kafka, so they are not damaged here: that is bit rot, not a crash.
 */
@ExtendWith(InstancioExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogRecoveryFuzzTest {

    static final LogConfig CONFIG = config(2048, 128);

    enum Target { LOG_TAIL, OFFSET_INDEX, TIME_INDEX, CHECKPOINT }

    @TempDir
    Path dataDir;

    @WithSettings
    final Settings settings = Fuzz.settings();

    final AtomicLong clock = new AtomicLong(1_000_000);

    static IntStream tries() {
        return Fuzz.tries(60);
    }

    @ParameterizedTest(name = "try {0}")
    @MethodSource("tries")
    void recoveryServesAPrefixOfWhatWasWritten(int attempt, @Given(Fuzz.class) Random random) throws Exception {
        Path dir = dataDir.resolve("events-0");
        Path checkpointFile = dataDir.resolve(RecoveryPointCheckpoint.FILE_NAME);
        List<String> written = new ArrayList<>();
        LogManager manager = openManager(dataDir, clock::get);
        PartitionWriter writer = manager.getOrCreate("events", 0, CONFIG);
        write(writer, random, random.intRange(0, 30), written);
        manager.checkpointRecoveryPoints();
        RecoveryPoint point = writer.log().recoveryPoint();
        byte[] checkpointAtPoint = Files.readAllBytes(checkpointFile);
        write(writer, random, random.intRange(1, 30), written);
        manager.close();

        Files.delete(dataDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER));
        Files.write(checkpointFile, checkpointAtPoint);
        Target target = random.oneOf(Target.values());
        String damage = "seed " + random.getSeed() + ": " + target + " " + point + ": " + damage(random, target, dir, checkpointFile, point);

        LogManager reopened = openManager(dataDir, clock::get);
        try {
            PartitionWriter recovered = reopened.getOrCreate("events", 0, CONFIG);
            PartitionLog log = recovered.log();
            List<Record> records = readAll(log, log.logStartOffset());
            assertThat(offsets(records)).as(damage).isEqualTo(range(0, records.size()));
            assertThat(values(records)).as(damage).isEqualTo(written.subList(0, records.size()));
            assertThat((long) records.size()).as(damage + ": records below the recovery point").isGreaterThanOrEqualTo(point.offset());
            if (target != Target.LOG_TAIL) {
                assertThat(records).as(damage + ": only an index or the checkpoint was damaged").hasSize(written.size());
            }
            for (int i = 0; i < 3 && !records.isEmpty(); i++) {
                int offset = random.intRange(0, records.size() - 1);
                List<Record> seek = RecordBatch.decodeAll(log.read(offset, 1).batches(), offset);
                assertThat(seek).as(damage + ": read at " + offset).isNotEmpty();
                assertThat(seek.getFirst().valueAsString()).as(damage + ": read at " + offset).isEqualTo(written.get(offset));
            }
            assertThat(append(recovered, batch(clock.get(), "after"))).as(damage).isEqualTo(records.size());
        } finally {
            reopened.close();
        }
    }

    /** Appends {@code batches} batches of one to four records with values "r<n>-" plus random padding. */
    private void write(PartitionWriter writer, Random random, int batches, List<String> written) {
        for (int b = 0; b < batches; b++) {
            String[] values = new String[random.intRange(1, 4)];
            for (int i = 0; i < values.length; i++) {
                values[i] = "r" + written.size() + "-" + "x".repeat(random.intRange(0, 120));
                written.add(values[i]);
            }
            append(writer, batch(clock.addAndGet(random.intRange(0, 50)), values));
        }
    }

    /** Applies one to three mutations to a file of the chosen kind; returns what it did. */
    private static String damage(Random random, Target target, Path dir, Path checkpointFile, RecoveryPoint point)
            throws IOException {
        List<Long> bases = segmentBases(dir);
        Path file;
        long from = 0;
        switch (target) {
            case LOG_TAIL -> {
                long base = random.oneOf(bases.stream().filter(b -> b >= point.segmentBase()).toList());
                file = logFile(dir, base);
                from = base == point.segmentBase() ? point.position() : 0;
            }
            case OFFSET_INDEX -> file = indexFile(dir, random.oneOf(bases));
            case TIME_INDEX -> file = timeIndexFile(dir, random.oneOf(bases));
            default -> file = checkpointFile;
        }
        StringBuilder done = new StringBuilder(file.getFileName().toString());
        for (int m = random.intRange(1, 3); m > 0; m--) {
            done.append("; ").append(mutate(random, file, from));
        }
        return done.toString();
    }

    /** One mutation of the bytes of {@code file} at or after {@code from}. */
    private static String mutate(Random random, Path file, long from) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            int kind = size > from ? random.intRange(0, 3) : 2;
            switch (kind) {
                case 0 -> {
                    long at = random.longRange(from, size - 1);
                    ByteBuffer one = ByteBuffer.allocate(1);
                    channel.read(one, at);
                    one.put(0, (byte) (one.get(0) ^ random.intRange(1, 255))).rewind();
                    channel.write(one, at);
                    return "byte " + at + " changed";
                }
                case 1 -> {
                    long length = random.longRange(from, size - 1);
                    channel.truncate(length);
                    return "cut to " + length + " bytes of " + size;
                }
                case 2 -> {
                    byte[] garbage = random.trueOrFalse() ? Fuzz.bytes(random, random.intRange(1, 200))
                            : new byte[random.intRange(1, 200)];
                    channel.write(ByteBuffer.wrap(garbage), size);
                    return garbage.length + " bytes appended at " + size;
                }
                default -> {
                    long at = random.longRange(from, size - 1);
                    int length = (int) Math.min(size - at, random.intRange(1, 300));
                    channel.write(ByteBuffer.allocate(length), at);
                    return length + " bytes zeroed at " + at;
                }
            }
        }
    }
}
