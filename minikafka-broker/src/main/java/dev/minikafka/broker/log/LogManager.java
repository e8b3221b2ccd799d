package dev.minikafka.broker.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every partition log under the data directory ({@code <data>/<topic>-<partition>/}), the thread pools that
 * write and fsync them, and the background tasks: retention, the recovery-point checkpoint, the optional
 * interval flush.
 *
 * <p>Recovery points: every {@value #RECOVERY_POINT_INTERVAL_MS} ms (by default) a task fsyncs each log that
 * was written to since, which moves its {@link RecoveryPoint} to the log end as of that flush, and writes
 * the points to {@link RecoveryPointCheckpoint} when one changed. After a crash, recovery checks only what
 * lies past them: about one interval of writes instead of two whole segments per partition. The same
 * flush bounds what a power loss can take from {@code LEADER}-acked records to about one interval.
 *
 * <p>Clean shutdown: {@link #close} stops new appends, lets the writers drain, fsyncs and closes every log,
 * writes the recovery points, then {@value #CLEAN_SHUTDOWN_MARKER}. {@link #open} removes the marker at once,
 * so a crash at any later point makes the next start check the tails past the recovery points.
 */
public final class LogManager implements AutoCloseable {

    static final String CLEAN_SHUTDOWN_MARKER = ".clean-shutdown";
    /** How often the logs are fsynced and their recovery points checkpointed. */
    static final long RECOVERY_POINT_INTERVAL_MS = 2_000;
    /** How long the files of a segment removed by retention stay for readers that still hold it. */
    static final long FILE_DELETE_DELAY_MS = 30_000;
    private static final Pattern PARTITION_DIR = Pattern.compile("(.+)-(\\d+)");
    private static final Logger log = LoggerFactory.getLogger(LogManager.class);

    private final Path dataDir;
    private final boolean cleanShutdown;
    private final long pendingAppendBytes;
    private final LongSupplier clock;
    private final ExecutorService writerPool;
    private final ExecutorService flushPool;
    private final ScheduledExecutorService scheduler;
    /** Segments removed by retention whose files are not deleted yet. */
    private final java.util.Set<Segment> pendingDeletes = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<String, PartitionWriter> writers = new ConcurrentHashMap<>();
    /**
     * Partitions being opened by {@link #openAllInBackground}, until {@link #getOrCreate} (or delete, or close)
     * claims them into {@link #writers}.
     */
    private final Map<String, Future<PartitionWriter>> opening = new ConcurrentHashMap<>();
    private final RecoveryPointCheckpoint checkpoint;
    /**
     * The points read at open, for partitions not opened yet: carried into every checkpoint written, so a
     * partition opened late (or never) after a restart keeps its point.
     */
    private final Map<String, RecoveryPoint> checkpointed;
    /** Serializes checkpoint writes (the task and close); not the manager's monitor, which close holds. */
    private final Object checkpointLock = new Object();
    /** What the checkpoint file holds now; written only when this would change. Under checkpointLock. */
    private Map<String, RecoveryPoint> lastWritten;
    private final ProducerIdAllocator producerIds;
    /** Partitions whose recovery failed in this life: their files may be half-recovered, so never marked clean. */
    private final Set<String> failedRecoveries = ConcurrentHashMap.newKeySet();
    private volatile ProducerStateConfig producerStateConfig = ProducerStateConfig.defaults();
    private volatile boolean closed;

    private LogManager(Path dataDir, boolean cleanShutdown, Map<String, RecoveryPoint> checkpointed, int writerThreads,
            long pendingAppendBytes, LongSupplier clock) throws IOException {
        this.dataDir = dataDir;
        this.cleanShutdown = cleanShutdown;
        this.checkpoint = new RecoveryPointCheckpoint(dataDir);
        this.checkpointed = new ConcurrentHashMap<>(checkpointed);
        this.lastWritten = Map.copyOf(checkpointed);
        this.producerIds = new ProducerIdAllocator(dataDir);
        this.pendingAppendBytes = pendingAppendBytes;
        this.clock = clock;
        this.writerPool = Executors.newFixedThreadPool(writerThreads, threads("log-writer"));
        this.flushPool = Executors.newFixedThreadPool(writerThreads, threads("log-flusher"));
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, threads("log-scheduler"));
        // close() lets a running task finish but starts no other: the delayed file deletes it runs itself.
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.scheduler = scheduler;
    }

    /**
     * Opens the data directory (creating it when absent).
     *
     * @param flushIntervalMs          fsync every log on this interval as well; 0 leaves it to DURABLE acks and the OS
     * @param retentionCheckIntervalMs how often retention runs
     */
    public static LogManager open(Path dataDir, int writerThreads, long pendingAppendBytes, long flushIntervalMs,
            long retentionCheckIntervalMs, LongSupplier clock) throws IOException {
        return open(dataDir, writerThreads, pendingAppendBytes, flushIntervalMs, retentionCheckIntervalMs,
                RECOVERY_POINT_INTERVAL_MS, clock);
    }

    /** As above, with the interval of the recovery-point flush and checkpoint. */
    static LogManager open(Path dataDir, int writerThreads, long pendingAppendBytes, long flushIntervalMs,
            long retentionCheckIntervalMs, long recoveryPointIntervalMs, LongSupplier clock) throws IOException {
        Files.createDirectories(dataDir);
        Path marker = dataDir.resolve(CLEAN_SHUTDOWN_MARKER);
        boolean clean = Files.deleteIfExists(marker);
        if (clean) {
            PartitionLog.fsyncDirectory(dataDir);
        }
        Map<String, RecoveryPoint> points;
        try {
            points = new RecoveryPointCheckpoint(dataDir).read();
        } catch (IOException e) {
            log.warn("Ignoring the unreadable recovery-point checkpoint in {} ({}); a crash recovery rescans every segment "
                    + "of every partition", dataDir, e.getMessage());
            points = Map.of();
        }
        LogManager manager = new LogManager(dataDir, clean, points, writerThreads, pendingAppendBytes, clock);
        log.info("Opening logs in {} after {} shutdown", dataDir.toAbsolutePath(), clean ? "a clean" : "an unclean (or first)");
        manager.scheduler.scheduleWithFixedDelay(manager::applyRetention, retentionCheckIntervalMs,
                retentionCheckIntervalMs, TimeUnit.MILLISECONDS);
        manager.scheduler.scheduleWithFixedDelay(manager::checkpointRecoveryPoints, recoveryPointIntervalMs,
                recoveryPointIntervalMs, TimeUnit.MILLISECONDS);
        if (flushIntervalMs > 0) {
            manager.scheduler.scheduleWithFixedDelay(manager::flushAll, flushIntervalMs, flushIntervalMs, TimeUnit.MILLISECONDS);
        }
        return manager;
    }

    /** Idempotent producers' ids, unique for the life of this data directory. */
    public ProducerIdAllocator producerIds() {
        return producerIds;
    }

    /** Sets how partitions opened from now on keep producer state; call before the first partition opens. */
    public void setProducerStateConfig(ProducerStateConfig config) {
        this.producerStateConfig = config;
    }

    public boolean openedAfterCleanShutdown() {
        return cleanShutdown;
    }

    /**
     * Starts opening (and, after a crash, recovering) every partition on disk on {@code threads} background
     * threads, so that the checks overlap the rest of the broker's start-up instead of following it.
     * {@link #getOrCreate} then waits for the partition it asks for. Opened with the default
     * {@link LogConfig}: recovery uses only its index interval, which no topic changes; getOrCreate applies
     * the topic's own config. Call once, before the first getOrCreate.
     */
    public void openAllInBackground(int threads) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (PARTITION_DIR.matcher(name).matches()) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            log.warn("Could not list {} to open its logs early; they open on first use", dataDir, e);
            return;
        }
        if (names.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, names.size()), threads("log-recovery"));
        long started = System.nanoTime();
        AtomicInteger left = new AtomicInteger(names.size());
        for (String name : names) {
            opening.put(name, pool.submit(() -> {
                try {
                    return openPartition(name, LogConfig.defaults());
                } finally {
                    if (left.decrementAndGet() == 0) {
                        log.info("Opened {} partition logs in {} ms", names.size(),
                                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                    }
                }
            }));
        }
        pool.shutdown(); // its threads end when the last partition is open
    }

    private PartitionWriter openPartition(String name, LogConfig config) throws IOException {
        PartitionLog partitionLog;
        ProducerStateTable producers;
        try {
            partitionLog = LogRecovery.open(name, dataDir.resolve(name), config, cleanShutdown,
                    checkpointed.get(name), clock.getAsLong());
            producers = ProducerStateLoader.load(partitionLog, producerStateConfig, clock.getAsLong());
        } catch (IOException | RuntimeException e) {
            failedRecoveries.add(name);
            throw new IOException("could not open (recover) partition " + name + " in " + dataDir.resolve(name)
                    + ": " + e.getMessage() + "; it is not marked clean, so the next start checks it again", e);
        }
        return new PartitionWriter(partitionLog, writerPool, flushPool, clock, pendingAppendBytes, producers);
    }

    /** Waits for a background open of {@code name} and returns its writer; null when none was started. */
    private PartitionWriter claimOpening(String name) throws IOException {
        Future<PartitionWriter> pending = opening.remove(name);
        if (pending == null) {
            return null;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return pending.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the open is on its way; a half-claimed partition would be lost
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("could not open " + name, e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The writer of a partition, opening (and recovering) its log on first use. */
    public PartitionWriter getOrCreate(String topic, int partition, LogConfig config) throws IOException {
        String name = topic + "-" + partition;
        PartitionWriter writer = writers.get(name);
        if (writer != null) {
            writer.log().updateConfig(config);
            return writer;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the log manager is closed");
            }
            writer = writers.get(name);
            if (writer == null) {
                writer = claimOpening(name);
                if (writer != null) {
                    writer.log().updateConfig(config);
                } else {
                    writer = openPartition(name, config);
                }
                writers.put(name, writer);
            }
            return writer;
        }
    }

    /** Names of the topics that have a partition directory on disk. */
    public Set<String> topicsOnDisk() {
        Set<String> topics = new TreeSet<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            for (Path dir : dirs) {
                Matcher matcher = PARTITION_DIR.matcher(dir.getFileName().toString());
                if (matcher.matches()) {
                    topics.add(matcher.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return topics;
    }

    /** Closes and deletes every partition of {@code topic}; appends still queued fail. */
    public synchronized void deleteLogs(String topic) throws IOException {
        String prefix = topic + "-";
        for (String name : List.copyOf(opening.keySet())) {
            Matcher matcher = PARTITION_DIR.matcher(name);
            if (matcher.matches() && matcher.group(1).equals(topic)) {
                PartitionWriter opened = claimOpening(name);
                if (opened != null) {
                    writers.put(name, opened); // closed and deleted with the others just below
                }
            }
        }
        for (String name : List.copyOf(writers.keySet())) {
            Matcher matcher = PARTITION_DIR.matcher(name);
            if (matcher.matches() && matcher.group(1).equals(topic)) {
                PartitionWriter writer = writers.remove(name);
                writer.close();
                writer.failPending(new IllegalStateException("topic '" + topic + "' was deleted"));
                writer.log().close();
            }
        }
        checkpointed.keySet().removeIf(name -> {
            Matcher matcher = PARTITION_DIR.matcher(name);
            return matcher.matches() && matcher.group(1).equals(topic);
        });
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dataDir, prefix + "*")) {
            for (Path dir : dirs) {
                Matcher matcher = PARTITION_DIR.matcher(dir.getFileName().toString());
                if (matcher.matches() && matcher.group(1).equals(topic)) {
                    deleteRecursively(dir);
                }
            }
        }
        PartitionLog.fsyncDirectory(dataDir);
    }

    /**
     * Runs retention now on every log (also on the background schedule). A log whose active segment has expired
     * too has its writer roll it, and is then retained again on the scheduler, which deletes that segment: the
     * log start moves to the log end, and the next append goes to the new segment.
     */
    public void applyRetention() {
        long now = clock.getAsLong();
        for (PartitionWriter writer : writers.values()) {
            applyRetention(writer, now);
            if (writer.log().activeSegmentExpired(now)) {
                writer.rollForRetention(() -> retainAfterRoll(writer));
            }
        }
    }

    private void applyRetention(PartitionWriter writer, long now) {
        try {
            List<Segment> removed = writer.log().removeExpiredSegments(now);
            for (Segment segment : removed) {
                log.info("Retention removed segment {} (log {} now starts at {})", segment, writer.log().name(),
                        writer.log().logStartOffset());
                scheduleDelete(segment);
            }
        } catch (IOException | RuntimeException e) {
            log.error("Retention failed for {}", writer.log().name(), e);
        }
    }

    /** On the writer thread after a roll for retention: the deletion itself stays on the scheduler. */
    private void retainAfterRoll(PartitionWriter writer) {
        try {
            scheduler.execute(() -> {
                if (writers.get(writer.log().name()) == writer) { // not deleted since
                    applyRetention(writer, clock.getAsLong());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down: the next start's retention deletes the segment
        }
    }

    /**
     * Deletes a removed segment's files after a grace period, so a fetch still reading it finishes first.
     * Deletes still waiting at shutdown run then (see {@link #close}).
     */
    private void scheduleDelete(Segment segment) {
        pendingDeletes.add(segment);
        try {
            scheduler.schedule(() -> deleteNow(segment), FILE_DELETE_DELAY_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            deleteNow(segment); // shutting down: no reader is left
        }
    }

    /** Deletes the files once, whether the timer or shutdown gets there first. */
    private void deleteNow(Segment segment) {
        if (!pendingDeletes.remove(segment)) {
            return;
        }
        try {
            segment.deleteFiles();
        } catch (IOException e) {
            log.warn("Could not delete {}", segment, e);
        }
    }

    private void flushAll() {
        for (PartitionWriter writer : writers.values()) {
            if (writer.log().fsyncFailure() != null) {
                continue; // offline until a restart; its flush would only repeat the failure
            }
            try {
                writer.log().flush();
            } catch (IOException e) {
                log.error("Interval flush failed for {}", writer.log().name(), e);
            }
        }
    }

    /**
     * fsyncs every log (which moves its recovery point to where the flush began) and writes the points when
     * one changed. On the scheduler; a log whose flush fails keeps its old point.
     */
    void checkpointRecoveryPoints() {
        for (PartitionWriter writer : writers.values()) {
            if (writer.log().fsyncFailure() != null) {
                continue; // its point stays where its last good fsync left it
            }
            try {
                writer.log().flush();
            } catch (IOException | RuntimeException e) {
                log.error("Recovery-point flush failed for {}", writer.log().name(), e);
            }
        }
        try {
            writeCheckpoint();
        } catch (IOException | RuntimeException e) { // a throw would cancel the schedule
            log.error("Could not write the recovery-point checkpoint in {}", dataDir, e);
        }
    }

    /** Writes the points the logs hold now (after their last completed flush), unless the file has them. */
    private void writeCheckpoint() throws IOException {
        synchronized (checkpointLock) {
            Map<String, RecoveryPoint> points = new HashMap<>(checkpointed);
            for (PartitionWriter writer : writers.values()) {
                points.put(writer.log().name(), writer.log().recoveryPoint());
            }
            if (!points.equals(lastWritten)) {
                checkpoint.write(points);
                lastWritten = points;
            }
        }
    }

    /** Clean shutdown: no new appends, drain, fsync, close, then the recovery points and the marker. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        for (String name : List.copyOf(opening.keySet())) {
            try {
                PartitionWriter opened = claimOpening(name);
                if (opened != null) {
                    writers.put(name, opened); // closed below like the rest, so its state is saved
                }
            } catch (IOException | RuntimeException e) {
                // openPartition listed it in failedRecoveries: not marked clean, the next start checks it again
                log.error("Could not open {}", name, e);
            }
        }
        writers.values().forEach(PartitionWriter::close);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (writers.values().stream().anyMatch(w -> !w.isIdle()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        writerPool.shutdown();
        flushPool.shutdown();
        awaitQuietly(writerPool);
        awaitQuietly(flushPool);
        // Not shutdownNow: interrupting a checkpoint inside force() closes the segment's channel
        // (ClosedByInterruptException), and the close below then fails and writes no clean-shutdown marker.
        scheduler.shutdown();
        awaitQuietly(scheduler); // a checkpoint in progress finishes before the final one below
        List.copyOf(pendingDeletes).forEach(this::deleteNow);
        List<String> unclean = new ArrayList<>(failedRecoveries);
        for (PartitionWriter writer : writers.values()) {
            PartitionLog partitionLog = writer.log();
            try {
                if (partitionLog.fsyncFailure() == null) {
                    writer.snapshotProducersAtEnd(); // the next start then reads no log for producer state
                }
                partitionLog.close();
            } catch (IOException e) {
                unclean.add(partitionLog.name());
                log.error("Could not flush and close {}", partitionLog.name(), e);
            }
        }
        // Each point names only bytes a completed fsync covered, so it is worth writing even when a log failed.
        writeCheckpoint();
        if (!cleanShutdown) {
            unclean.addAll(unrecoveredPartitions());
        }
        if (unclean.isEmpty()) {
            Files.createFile(dataDir.resolve(CLEAN_SHUTDOWN_MARKER));
            PartitionLog.fsyncDirectory(dataDir);
            log.info("Closed {} partition logs cleanly", writers.size());
        } else {
            log.warn("Not marking {} as shut down cleanly: {} not flushed, not recovered or failed their recovery; the "
                    + "next start checks them past their recovery points", dataDir, unclean);
        }
    }

    /**
     * Partition directories this life never opened. After a crash they are unrecovered (a start that failed
     * before opening them, say because the database was down), and a marker would make the next start trust
     * their torn tails.
     */
    private List<String> unrecoveredPartitions() throws IOException {
        List<String> unopened = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (PARTITION_DIR.matcher(name).matches() && !writers.containsKey(name)) {
                    unopened.add(name);
                }
            }
        }
        return unopened;
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("Log threads did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    List<PartitionWriter> writers() {
        return new ArrayList<>(writers.values());
    }
}
