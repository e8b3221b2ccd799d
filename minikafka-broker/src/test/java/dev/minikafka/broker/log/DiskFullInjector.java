package dev.minikafka.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A full or failing disk under a live broker, for fault tests: once {@link #install installed}, every file
 * the log code opens (segments, indexes, the temporaries of checkpoints and snapshots) under a directory that
 * is {@link #fill filled} fails its writes with "No space left on device" after writing part of the bytes (as
 * a real {@code write(2)} does when the last blocks run out), until the directory is {@link #free freed}.
 * Reads, truncation and fsync keep working, as they do on a full disk. Under a directory whose fsyncs
 * {@link #failFsyncs fail}, {@code force} throws "Input/output error" after the writes succeeded (a
 * writeback error), until {@link #healFsyncs healed}; the injector remembers each file's length at its last
 * successful force, which is what a power cut (or a kernel that dropped the failed pages) would leave.
 */
public final class DiskFullInjector {

    private static final Set<Path> FULL = ConcurrentHashMap.newKeySet();
    private static final AtomicLong FAILED_WRITES = new AtomicLong();
    private static final Set<Path> FAILING_FSYNCS = ConcurrentHashMap.newKeySet();
    private static final Map<Path, AtomicLong> FORCES = new ConcurrentHashMap<>();
    private static final Map<Path, Long> SYNCED_LENGTHS = new ConcurrentHashMap<>();

    private DiskFullInjector() {
    }

    /** Routes segment files through the injector from now on (files already open are not affected). */
    public static void install() {
        LogFiles.setOpener(file -> new DiskFullChannel(file, LogFiles.PLAIN.open(file)));
    }

    public static void uninstall() {
        FULL.clear();
        FAILING_FSYNCS.clear();
        FORCES.clear();
        SYNCED_LENGTHS.clear();
        LogFiles.setOpener(LogFiles.PLAIN);
    }

    public static void fill(Path dir) {
        FULL.add(dir.toAbsolutePath());
    }

    public static void free(Path dir) {
        FULL.remove(dir.toAbsolutePath());
    }

    /** From now on fsyncs of files under {@code dir} fail (their writes still succeed). */
    public static void failFsyncs(Path dir) {
        FAILING_FSYNCS.add(dir.toAbsolutePath());
    }

    public static void healFsyncs(Path dir) {
        FAILING_FSYNCS.remove(dir.toAbsolutePath());
    }

    /** fsyncs attempted (failed or not) on files under {@code dir} since {@link #install}. */
    public static long forcesUnder(Path dir) {
        Path prefix = dir.toAbsolutePath();
        return FORCES.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue().get()).sum();
    }

    /** The length {@code file} had when its last successful fsync began; 0 when it never had one. */
    public static long syncedLength(Path file) {
        return SYNCED_LENGTHS.getOrDefault(file.toAbsolutePath(), 0L);
    }

    /** Writes refused so far, by every injected channel. */
    public static long failedWrites() {
        return FAILED_WRITES.get();
    }

    private static boolean isFull(Path file) {
        return isUnder(file, FULL);
    }

    private static boolean isUnder(Path file, Set<Path> dirs) {
        for (Path dir : dirs) {
            if (file.toAbsolutePath().startsWith(dir)) {
                return true;
            }
        }
        return false;
    }

    /** A {@link FileChannel} that delegates everything, failing writes while its directory is full. */
    private static final class DiskFullChannel extends FileChannel {

        private final Path file;
        private final FileChannel delegate;

        DiskFullChannel(Path file, FileChannel delegate) {
            this.file = file;
            this.delegate = delegate;
        }

        /** Lets half of the first buffer through, then fails: a partial write the caller must clean up. */
        private IOException fullAfterPartialWrite(ByteBuffer first, long position) throws IOException {
            int half = first.remaining() / 2;
            if (half > 0) {
                ByteBuffer part = first.duplicate();
                part.limit(part.position() + half);
                if (position < 0) {
                    delegate.write(part);
                } else {
                    delegate.write(part, position);
                }
            }
            FAILED_WRITES.incrementAndGet();
            return new IOException("No space left on device");
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (isFull(file)) {
                throw fullAfterPartialWrite(src, -1);
            }
            return delegate.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            if (isFull(file)) {
                throw fullAfterPartialWrite(srcs[offset], -1);
            }
            return delegate.write(srcs, offset, length);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            if (isFull(file)) {
                throw fullAfterPartialWrite(src, position);
            }
            return delegate.write(src, position);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            Path key = file.toAbsolutePath();
            FORCES.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            if (isUnder(file, FAILING_FSYNCS)) {
                throw new IOException("Input/output error");
            }
            long covered = delegate.size();
            delegate.force(metaData);
            SYNCED_LENGTHS.put(key, covered);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            if (isFull(file)) {
                FAILED_WRITES.incrementAndGet();
                throw new IOException("No space left on device");
            }
            return delegate.transferFrom(src, position, count);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return delegate.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }
}
