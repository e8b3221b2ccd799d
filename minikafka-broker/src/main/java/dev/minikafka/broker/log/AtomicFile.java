package dev.minikafka.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import dev.minikafka.broker.crash.CrashPoint;

/**
 * Replaces a small file so that after a crash it is either the old version or the new one, whole: the bytes
 * go to {@code <name>.tmp}, which is fsynced and renamed over the file, then the directory is fsynced so
 * the rename itself is durable.
 */
final class AtomicFile {

    private AtomicFile() {
    }

    static void replace(Path file, ByteBuffer bytes) throws IOException {
        replace(file, bytes, null);
    }

    /** As {@link #replace(Path, ByteBuffer)}, reaching {@code beforeRename} (when not null) between the two steps. */
    static void replace(Path file, ByteBuffer bytes, CrashPoint beforeRename) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        // Through LogFiles, so fault tests can fill the disk under checkpoints and snapshots too.
        try (FileChannel channel = LogFiles.open(temp)) {
            channel.truncate(0);
            long position = 0;
            while (bytes.hasRemaining()) {
                position += channel.write(bytes, position);
            }
            Fsync.force(channel, temp, true);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp); // the old file stays whole; a half-written temporary is only clutter
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        if (beforeRename != null) {
            beforeRename.reach();
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Fsync.directory(file.getParent());
    }
}
