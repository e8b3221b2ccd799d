package dev.minikafka.broker.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Every fsync of the log code goes through here, so the power-loss simulation
 * ({@code PowerLossSimulationTest}) can learn what a power cut would keep: for each file, the length it had
 * when a force began (bytes written by then are covered), and can cut the power at a chosen fsync. In
 * production the {@link #listener} is null and these are plain forces.
 */
final class Fsync {

    /** What the power-loss simulation records. */
    interface Listener {

        /** Before {@code file} (or directory) is forced: may throw to simulate a power cut at this fsync. */
        void beforeForce(Path file);

        /** After the force of {@code file} returned, covering its first {@code lengthCovered} bytes. */
        void forced(Path file, long lengthCovered);
    }

    static volatile Listener listener;

    private Fsync() {
    }

    /** {@code channel.force(metaData)} on {@code file}'s channel. */
    static void force(FileChannel channel, Path file, boolean metaData) throws IOException {
        Listener current = listener;
        if (current == null) {
            channel.force(metaData);
            return;
        }
        current.beforeForce(file);
        long covered = channel.size(); // read before the force: bytes written by now are covered by it
        channel.force(metaData);
        current.forced(file, covered);
    }

    /** fsyncs a directory, making the creation, renaming and deletion of its entries durable. */
    static void directory(Path dir) throws IOException {
        Listener current = listener;
        if (current != null) {
            current.beforeForce(dir);
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
