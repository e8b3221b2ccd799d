package dev.minikafka.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Hands out producer ids that are never repeated for the life of a data directory, restarts and crashes
 * included, as Kafka's controller does with blocks of ids: {@value #FILE_NAME} holds the first id not yet
 * reserved; taking a block of {@value #BLOCK_SIZE} writes the end of the block there (temporary file, fsync,
 * rename, directory fsync) before any id of it is given out. A crash wastes the rest of the block, nothing
 * more. The ids live beside the logs, not in the metadata database, because they must be unique with respect
 * to the producer state kept in these logs, and so a producer can start while the database is down.
 *
 * <p>Thread-safety: {@link #next} is synchronized; it is called once per producer start.
 */
public final class ProducerIdAllocator {

    static final String FILE_NAME = "producer-id-block";
    static final long BLOCK_SIZE = 1000;

    private final Path file;
    private long next;
    private long blockEnd;

    ProducerIdAllocator(Path dataDir) throws IOException {
        this.file = dataDir.resolve(FILE_NAME);
        long reserved = readReserved();
        this.next = reserved;
        this.blockEnd = reserved;
    }

    /** A producer id no one has had before in this data directory. */
    public synchronized long next() throws IOException {
        if (next == blockEnd) {
            long end = Math.addExact(blockEnd, BLOCK_SIZE);
            writeReserved(end);
            blockEnd = end;
        }
        return next++;
    }

    private long readReserved() throws IOException {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            long reserved = Long.parseLong(text);
            if (reserved < 0) {
                throw new IOException(file + " holds a negative id: " + text);
            }
            return reserved;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (NumberFormatException e) {
            // Refuse rather than restart at 0: reusing ids would make old producer state judge new producers.
            throw new IOException(file + " is not a number; restore it or set it above every producer id in use", e);
        }
    }

    private void writeReserved(long reserved) throws IOException {
        AtomicFile.replace(file, ByteBuffer.wrap((reserved + "\n").getBytes(StandardCharsets.UTF_8)));
    }
}
