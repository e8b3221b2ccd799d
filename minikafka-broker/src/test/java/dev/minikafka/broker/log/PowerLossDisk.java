package dev.minikafka.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A model of what a power cut leaves of a data directory, fed by the log code's {@link Fsync} seam. For
 * every file (by inode, so renames keep it) it remembers the length covered by the last completed fsync;
 * {@link #cut} then cuts each file back to a random length at least that long and, in place of the lost
 * tail, leaves nothing, zeros, or garbage, as file systems do after a crash that lost unwritten pages.
 * It can also stage the cut itself: {@link #cutAtFsync} makes the n-th fsync throw {@link PowerCut}.
 *
 * <p>Not modelled: directory entries. A file created, renamed or deleted is taken to stay so (the log code
 * fsyncs the directory after each of those, but a cut between the two is not simulated).
 */
final class PowerLossDisk implements Fsync.Listener {

    /** What replaces the bytes past the cut. */
    enum Tail { TRUNCATED, ZEROS, GARBAGE }

    /** Thrown by the fsync at which the power goes. An Error, so nothing in the log code catches it. */
    static final class PowerCut extends Error {
        PowerCut(Path at) {
            super("power cut before fsync of " + at, null, false, false);
        }
    }

    private final Map<Object, Long> synced = new HashMap<>();
    private long fsyncs;
    private long cutAt = Long.MAX_VALUE;
    private long filesCut;
    private long bytesLost;

    /** Makes the {@code n}-th fsync from now throw {@link PowerCut} before it forces anything. */
    void cutAtFsync(long n) {
        cutAt = fsyncs + n;
    }

    long fsyncs() {
        return fsyncs;
    }

    long filesCut() {
        return filesCut;
    }

    long bytesLost() {
        return bytesLost;
    }

    @Override
    public synchronized void beforeForce(Path file) {
        if (++fsyncs == cutAt) {
            cutAt = Long.MAX_VALUE;
            throw new PowerCut(file);
        }
    }

    @Override
    public synchronized void forced(Path file, long lengthCovered) {
        try {
            synced.merge(key(file), lengthCovered, Math::max);
        } catch (IOException e) {
            throw new IllegalStateException("cannot identify " + file, e);
        }
    }

    /**
     * The power cut: every regular file under {@code root} keeps at least what its last fsync covered and a
     * random part of the rest; the remainder is replaced as {@code tail} says. Afterwards every byte left is
     * on disk, so the files count as synced as they are.
     */
    synchronized void cut(Path root, Random random, Tail tail) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            long size = Files.size(file);
            long durable = Math.min(size, synced.getOrDefault(key(file), 0L));
            long keep = durable + (long) (random.nextDouble() * (size - durable + 1));
            keep = Math.min(keep, size);
            if (keep < size) {
                filesCut++;
                bytesLost += size - keep;
                replaceTail(file, keep, size, tail, random);
            }
        }
        synced.clear();
        for (Path file : files) {
            if (Files.exists(file)) {
                synced.put(key(file), Files.size(file));
            }
        }
    }

    private static void replaceTail(Path file, long keep, long size, Tail tail, Random random) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(keep);
            if (tail == Tail.TRUNCATED) {
                return;
            }
            ByteBuffer filler = ByteBuffer.allocate((int) (size - keep));
            if (tail == Tail.GARBAGE) {
                random.nextBytes(filler.array());
            }
            long position = keep;
            while (filler.hasRemaining()) {
                position += channel.write(filler, position);
            }
        }
    }

    /** The inode, with the birth time so that a reused inode number is another file. */
    private static Object key(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return List.of(attributes.fileKey(), attributes.creationTime());
    }
}
