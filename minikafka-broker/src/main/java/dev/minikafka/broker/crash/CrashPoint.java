package dev.minikafka.broker.crash;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Named moments at which the crash tests kill the broker on purpose. Started with
 * {@code -Dminikafka.crash-point=segment-roll:3}, the broker halts (exit status 137, as after
 * {@code kill -9}: no shutdown hooks, no flush) the third time it reaches {@link #SEGMENT_ROLL}. Without the
 * property every {@link #reach} is a test of a static final null, which the JIT folds away.
 *
 * <p>What each point interrupts, and what must survive it, is in {@code docs/reliability.md}.
 */
public enum CrashPoint {

    /** A new segment's files exist, the directory is not fsynced yet and the old segment's tail may not be. */
    SEGMENT_ROLL,
    /** Retention renamed a segment's log file to {@code .deleted}; its index files still have their names. */
    RETENTION_DELETE,
    /** An in-memory index grew its array while the writer was assigning offsets to a batch. */
    INDEX_RESIZE,
    /** Durable appends are written and waiting; the group-commit fsync that would acknowledge them starts. */
    GROUP_COMMIT_FSYNC,
    /** Inside an offset-commit transaction, its rows queued, before it commits. */
    OFFSET_COMMIT,
    /** The recovery-point checkpoint is written to its temporary file, not yet renamed over the old one. */
    CHECKPOINT_WRITE;

    /** {@code <point>[:<occurrence>]}, the point in lower case with dashes. */
    public static final String PROPERTY = "minikafka.crash-point";
    public static final int EXIT_STATUS = 137;

    private static final CrashPoint ARMED;
    private static final AtomicLong COUNTDOWN = new AtomicLong();

    static {
        String spec = System.getProperty(PROPERTY);
        if (spec == null || spec.isBlank()) {
            ARMED = null;
        } else {
            String[] parts = spec.trim().split(":", 2);
            ARMED = valueOf(parts[0].toUpperCase(Locale.ROOT).replace('-', '_'));
            COUNTDOWN.set(parts.length > 1 ? Long.parseLong(parts[1]) : 1);
        }
    }

    /** Halts the JVM at once if this is the armed point and its occurrence has come. */
    public void reach() {
        if (ARMED == this && COUNTDOWN.decrementAndGet() == 0) {
            System.err.println("minikafka: halting at crash point " + propertyName());
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }

    /** The name as the property spells it, e.g. {@code segment-roll}. */
    public String propertyName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
