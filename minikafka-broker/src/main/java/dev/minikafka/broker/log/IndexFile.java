package dev.minikafka.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import dev.minikafka.broker.crash.CrashPoint;

/**
 * The shared mechanics of a segment's sparse indexes: entries of fixed size appended to a file, and the
 * same entries held in memory as a {@code long[]} so lookups never touch the disk.
 *
 * <p>Why not memory-map the files, as Kafka does? On Java 21 a mapping cannot be released explicitly, and
 * truncating a file that is still mapped turns a later access into a SIGBUS. A sparse index costs 8-16
 * bytes per ~4 KiB of log (about 4 MiB of heap per GiB of log at most), so keeping it on the heap is cheap,
 * and the file is written with one plain write per batch of new entries.
 *
 * <p>Thread-safety: one writer (the partition's writer, or recovery before the log is published); any number
 * of concurrent readers. The writer fills a slot, then publishes it by incrementing the volatile count;
 * a grown array is published before the count, so a reader that sees a count sees an array holding it.
 *
 * <p>Crash story: entries are written after the log bytes they point to, and an index is only trusted after
 * a clean shutdown; after a crash the tail segments' indexes are rebuilt from the log, and an older index
 * that fails {@link #sanityCheck} is rebuilt too.
 */
abstract sealed class IndexFile permits OffsetIndex, TimeIndex {

    private final Path path;
    private final int entrySize;
    private final int slotsPerEntry;
    protected final long baseOffset;
    private FileChannel channel;
    private volatile long[] slots;
    private volatile int count;
    /** Entries [0, written) are in the file. */
    private int written;

    IndexFile(Path path, long baseOffset, int entrySize, int slotsPerEntry) throws IOException {
        this.path = path;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        this.slotsPerEntry = slotsPerEntry;
        this.channel = LogFiles.open(path);
        load();
    }

    /** Reads one entry at the buffer's position into {@code slots[first..]}. */
    abstract void readEntry(ByteBuffer in, long[] slots, int first);

    /** Writes one entry from {@code slots[first..]} at the buffer's position. */
    abstract void writeEntry(ByteBuffer out, long[] slots, int first);

    private void load() throws IOException {
        long size = channel.size();
        int entries = (int) (size / entrySize);
        ByteBuffer buffer = ByteBuffer.allocate(entries * entrySize);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) >= 0) {
            // read until full
        }
        buffer.flip();
        long[] loaded = new long[Math.max(16, entries * slotsPerEntry)];
        for (int i = 0; i < entries; i++) {
            readEntry(buffer, loaded, i * slotsPerEntry);
        }
        slots = loaded;
        count = entries;
        written = entries;
        if (size != (long) entries * entrySize) {
            channel.truncate((long) entries * entrySize); // a torn last entry
        }
    }

    final int entries() {
        return count;
    }

    final long[] slots() {
        return slots;
    }

    final Path path() {
        return path;
    }

    /** Adds an entry in memory; {@link #writeNewEntries} puts it in the file. Writer thread only. */
    final void add(long a, long b) {
        long[] current = slots;
        int n = count;
        int first = n * slotsPerEntry;
        if (first + slotsPerEntry > current.length) {
            CrashPoint.INDEX_RESIZE.reach();
            current = Arrays.copyOf(current, current.length * 2);
            slots = current;
        }
        current[first] = a;
        if (slotsPerEntry > 1) {
            current[first + 1] = b;
        }
        count = n + 1;
    }

    /** Appends the entries added since the last call to the file, in one write. */
    final void writeNewEntries() throws IOException {
        int n = count;
        if (written == n) {
            return;
        }
        long[] current = slots;
        ByteBuffer out = ByteBuffer.allocate((n - written) * entrySize);
        for (int i = written; i < n; i++) {
            writeEntry(out, current, i * slotsPerEntry);
        }
        out.flip();
        long position = (long) written * entrySize;
        while (out.hasRemaining()) {
            position += channel.write(out, position);
        }
        written = n;
    }

    /** Binary search: the index of the last entry whose key slot is at most {@code key}, or -1. */
    final int floorEntry(long key, int keySlot) {
        int n = count;
        long[] current = slots;
        int low = 0;
        int high = n - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (current[mid * slotsPerEntry + keySlot] <= key) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }

    /** Drops every entry from {@code entry} on, in memory and in the file. Writer thread only. */
    final void truncateToEntries(int entry) throws IOException {
        if (entry < count) {
            count = entry;
            written = Math.min(written, entry);
            channel.truncate((long) entry * entrySize);
        }
    }

    /** fsyncs what {@link #writeNewEntries} wrote; safe from a flusher thread while the writer appends. */
    final void flush() throws IOException {
        Fsync.force(channel, path, false);
    }

    final void close() throws IOException {
        if (channel.isOpen()) {
            writeNewEntries();
            channel.close();
        }
    }

    final void renameTo(Path target) throws IOException {
        Files.move(path, target);
    }

    final void deleteFile() throws IOException {
        close();
        Files.deleteIfExists(path);
    }
}
