package dev.minikafka.broker.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens the files the log code writes to (a segment's log and its two indexes, and the temporary file of every
 * {@link AtomicFile} replacement: the recovery-point checkpoint, producer-state snapshots, the producer-id
 * block) for reading and writing. The one seam through which fault tests put a failing disk under a live
 * broker ("No space left on device" on a write, an fsync that fails): {@link #setOpener} is package-private,
 * and nothing but tests calls it.
 */
final class LogFiles {

    /** Opens one file, creating it if missing. */
    @FunctionalInterface
    interface Opener {
        FileChannel open(Path file) throws IOException;
    }

    static final Opener PLAIN = file -> FileChannel.open(file,
            StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);

    private static volatile Opener opener = PLAIN;

    private LogFiles() {
    }

    static FileChannel open(Path file) throws IOException {
        return opener.open(file);
    }

    /** For tests: how segment files are opened from now on (files already open keep their channel). */
    static void setOpener(Opener newOpener) {
        opener = newOpener;
    }
}
