package dev.minikafka.broker.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.minikafka.broker.support.BrokerJar;
import dev.minikafka.broker.support.ChildBroker;
import dev.minikafka.broker.support.SegmentFiles;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.NewTopic;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.protocol.Record;

/**
 * kill -9 loop: the broker runs as a child JVM under {@code DURABLE} producers and a committing consumer
 * group, is killed with SIGKILL, either after a random delay or at an armed {@link CrashPoint} (a segment
 * roll, a retention delete, an index resize, a group-commit fsync, an offset-commit transaction, a
 * checkpoint write), and is restarted on the same directory. After every restart the log is checked against
 * everything the broker acknowledged in all its earlier lives (see {@link #verify}).
 *
 * <p>Small segments (96 KiB; with the workload's 2 KiB batches about 24 index entries each, so the in-memory
 * indexes, which start with room for 16, grow once or twice per segment) and a small size
 * retention (2 MiB per partition, well above the broker's 256 KiB append queue, so the newest acknowledged
 * records are still there to check) make rolls and deletes happen every few hundred milliseconds.
 *
 * <p>The lives follow a fixed {@link #CYCLE} of eight: each crash point armed once (at a random occurrence)
 * and two kills at a random moment, so every point is reached in any run of eight lives or more.
 * {@code -Dcrash.iterations=N} (default 24, the CI form) sets the number of lives; {@code -Dcrash.seed=S}
 * replays a schedule (occurrences and kill delays; the timing of the load itself is not reproducible). The
 * seed is printed first; {@code target/crash-results/} keeps the broker's log and a summary.
 */
class KillNineCrashIT {

    private static final String TOPIC = "crash";
    private static final int PARTITIONS = 2;
    private static final int PRODUCERS = 2;
    /** The kill plan of lives 0, 1, 2, ..., repeated; null is a SIGKILL at a random moment. */
    private static final CrashPoint[] CYCLE = {CrashPoint.SEGMENT_ROLL, CrashPoint.INDEX_RESIZE, null,
        CrashPoint.GROUP_COMMIT_FSYNC, CrashPoint.OFFSET_COMMIT, CrashPoint.RETENTION_DELETE, null,
        CrashPoint.CHECKPOINT_WRITE};
    /** How long an armed broker may take to reach its point once the load flows; it is killed after that. */
    private static final Duration ARMED_BOUND = Duration.ofSeconds(15);
    /**
     * How long a check that failed waits for an armed broker to be gone. A halt closes the broker's
     * connections a moment before the process is reaped, so the check can fail while it still looks alive.
     */
    private static final Duration HALT_BOUND = Duration.ofSeconds(10);
    private static final String[] BROKER_ARGS = {
        "--minikafka.broker.retention-check-interval=200ms",
        // a small append queue keeps the written-but-unacknowledged window well inside the retention
        "--minikafka.broker.pending-append-bytes=256KB",
        "--logging.level.root=WARN", "--logging.level.dev.minikafka.broker.log=INFO"};

    private final Map<CrashPoint, Integer> pointsHit = new EnumMap<>(CrashPoint.class);
    private final Map<CrashPoint, Integer> pointsNotReached = new EnumMap<>(CrashPoint.class);
    private final Map<Integer, Long> checkedBelow = new HashMap<>();
    private int timerKills;
    private int crashesInStartup;
    private int crashesInCheck;
    private long ackedChecks;
    private long acksVerified;
    private long ackedDeletedUnchecked;
    private long commitChecks;
    private long seeksChecked;
    private long startNanos;
    private long checkNanos;
    private long loadNanos;

    @Test
    void acknowledgedRecordsAndCommitsSurviveKillNine() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        int iterations = Integer.getInteger("crash.iterations", 24);
        System.out.printf("KillNineCrashIT: seed %d, %d iterations (replay: -Dcrash.seed=%d -Dcrash.iterations=%d)%n",
                seed, iterations, seed, iterations);
        Path results = Path.of(System.getProperty("crash.resultsDir", "target/crash-results"));
        Path run = Files.createDirectories(results).resolve("kill-nine-" + seed);
        deleteRecursively(run);
        Path data = Files.createDirectories(run.resolve("data"));
        BrokerJar jar = BrokerJar.fromBuild("crash-broker");
        if (!jar.hasArchive()) {
            writeArchive(jar, run);
        }
        Random random = new Random(seed);
        AckLedger ledger = new AckLedger();
        long started = System.nanoTime();
        int lives = 0;
        CrashWorkload previous = null; // the last life's load, still closing its clients while the next broker starts
        try {
            for (int life = 0; life <= iterations; life++) {
                lives = life;
                summary(seed, started, ledger, run, life);
                boolean last = life == iterations;
                CrashPoint point = last ? null : CYCLE[life % CYCLE.length];
                String armed = point == null ? null : point.propertyName() + ":" + occurrence(point, random);
                long killAfterMs = 300 + random.nextInt(2_700);
                long lifeStarted = System.nanoTime();
                ChildBroker broker = launcher(jar).crashPoint(armed).start(data, BROKER_ARGS);
                if (previous != null) {
                    finish(previous, life - 1);
                    previous = null;
                }
                long ready = System.nanoTime();
                startNanos += ready - lifeStarted;
                if (!broker.isAlive()) {
                    crashesInStartup++;
                    hit(point);
                    continue;
                }
                try {
                    if (life == 0) {
                        createTopic(broker.bootstrap());
                    }
                    verify(broker, data, ledger);
                } catch (RuntimeException | AssertionError e) {
                    if (point != null && broker.awaitExit(HALT_BOUND) && broker.exitValue() == CrashPoint.EXIT_STATUS) {
                        crashesInCheck++;
                        hit(point); // the armed point fired while we were checking; check again next life
                        continue;
                    }
                    broker.kill();
                    throw new AssertionError("life " + life + " (seed " + seed + ", armed " + armed + "): " + e.getMessage()
                            + "; see " + broker.logFile(), e);
                }
                long checked = System.nanoTime();
                checkNanos += checked - ready;
                if (last) {
                    broker.kill();
                    break;
                }
                previous = new CrashWorkload(broker.bootstrap(), TOPIC, ledger, "l" + life);
                String end = runUntilKilled(broker, previous, point, killAfterMs);
                loadNanos += System.nanoTime() - checked;
                System.out.printf("KillNineCrashIT life %d: start %d ms, check %d ms, load %d ms, %s%n", life,
                        millis(ready - lifeStarted), millis(checked - ready), millis(System.nanoTime() - checked), end);
            }
        } finally {
            if (previous != null) {
                previous.close();
            }
            System.out.print(summary(seed, started, ledger, run, lives));
        }
        assertThat(acksVerified).as("acknowledged records were checked after restarts").isPositive();
        assertThat(ledger.commitCount()).as("the consumer group committed").isPositive();
        deleteRecursively(data); // keep the broker log and summary, not the data
    }

    private static ChildBroker.Launcher launcher(BrokerJar jar) {
        return ChildBroker.fromJar(jar).jvmOption("-Xmx256m").jvmOption("-XX:+UseSerialGC")
                .jvmOption("-XX:TieredStopAtLevel=1");
    }

    /**
     * One life on a scratch directory that ends with a clean stop, so that the JVM writes the class-data
     * archive every later life starts from (a kill -9 would write nothing). Its load makes it archive the
     * classes of produce, fetch and commit too.
     */
    private static void writeArchive(BrokerJar jar, Path run) throws Exception {
        long started = System.nanoTime();
        Path scratch = run.resolve("archive-life");
        ChildBroker broker = launcher(jar).start(Files.createDirectories(scratch).resolve("data"), BROKER_ARGS);
        try (CrashWorkload workload = new CrashWorkload(broker.bootstrap(), TOPIC, new AckLedger(), "archive")) {
            createTopic(broker.bootstrap());
            workload.start(PRODUCERS);
            workload.awaitProgress(Duration.ofSeconds(60), broker::isAlive);
        } catch (RuntimeException e) {
            // a slow first start on a loaded machine; the archive then holds fewer classes, nothing is checked here
            System.out.println("KillNineCrashIT: the archive life's load failed: " + e);
        } finally {
            broker.stop(Duration.ofMinutes(5));
        }
        System.out.printf("KillNineCrashIT: class-data archive %s in %d ms%n", jar.hasArchive() ? "written" : "NOT written",
                millis(System.nanoTime() - started));
        deleteRecursively(scratch);
    }

    /** Joins the load of a finished life, so every ack it received is in the ledger before the next check. */
    private static void finish(CrashWorkload workload, int life) throws InterruptedException {
        workload.close();
        assertThat(workload.problems()).as("problems seen by the load in life " + life).isEmpty();
    }

    /** The figures so far, also written to {@code summary.txt} (after every life, so a long run can be cut short). */
    private String summary(long seed, long started, AckLedger ledger, Path run, int lives) throws IOException {
        int starts = lives + 1; // the last start is checked, not loaded
        int loaded = Math.max(1, lives);
        String summary = String.format("KillNineCrashIT seed %d: %d lives in %d s (a life: start %.1f s, check %.1f s, "
                + "load %.1f s on average); %d records acknowledged (DURABLE), %d verified at their offset after a restart "
                + "(%d acknowledged-record checks in all), %d deleted by retention before their first check; "
                + "%d commits acknowledged, %d committed-offset checks; %d seeks checked; crash points hit %s "
                + "(%d during start-up, %d during a check), armed but not reached %s; %d kills at a random moment%n",
                seed, lives, Duration.ofNanos(System.nanoTime() - started).toSeconds(), seconds(startNanos) / starts,
                seconds(checkNanos) / starts, seconds(loadNanos) / loaded, ledger.ackCount(), acksVerified, ackedChecks,
                ackedDeletedUnchecked, ledger.commitCount(), commitChecks, seeksChecked, names(pointsHit), crashesInStartup,
                crashesInCheck, names(pointsNotReached), timerKills);
        Files.writeString(run.resolve("summary.txt"), summary);
        return summary;
    }

    private static String names(Map<CrashPoint, Integer> counts) {
        return counts.entrySet().stream().map(e -> e.getKey().propertyName() + " " + e.getValue())
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static int occurrence(CrashPoint point, Random random) {
        return switch (point) {
            case SEGMENT_ROLL -> 1 + random.nextInt(6);
            case RETENTION_DELETE -> 1 + random.nextInt(3);
            case INDEX_RESIZE -> 1 + random.nextInt(12);
            case GROUP_COMMIT_FSYNC -> 1 + random.nextInt(300);
            case OFFSET_COMMIT -> 1 + random.nextInt(20);
            case CHECKPOINT_WRITE -> 1 + random.nextInt(2);
        };
    }

    private void hit(CrashPoint point) {
        pointsHit.merge(point, 1, Integer::sum);
    }

    /**
     * Runs the load until the broker halts at its armed point, or, unarmed, for {@code killAfterMs} once
     * records and commits flow, then kills it. Returns how the life ended; the load is told to stop but
     * left to close its clients.
     */
    private String runUntilKilled(ChildBroker broker, CrashWorkload workload, CrashPoint point, long killAfterMs)
            throws Exception {
        try {
            workload.start(PRODUCERS);
            workload.awaitProgress(Duration.ofSeconds(60), broker::isAlive);
            boolean exited = !broker.isAlive()
                    || broker.awaitExit(point == null ? Duration.ofMillis(killAfterMs) : ARMED_BOUND);
            if (exited && broker.exitValue() == CrashPoint.EXIT_STATUS) {
                hit(point);
                return "halted at " + point.propertyName();
            } else if (exited) {
                throw new AssertionError("the broker exited with status " + broker.exitValue() + "; see " + broker.logFile());
            } else if (point != null) {
                pointsNotReached.merge(point, 1, Integer::sum);
                return "killed, " + point.propertyName() + " not reached";
            } else {
                timerKills++;
                return "killed after " + killAfterMs + " ms";
            }
        } finally {
            broker.kill();
            workload.stop();
        }
    }

    private static void createTopic(String bootstrap) {
        try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap)) {
            admin.createTopic(new NewTopic(TOPIC, PARTITIONS).segmentBytes(96 * 1024).retentionBytes(2 * 1024 * 1024)
                    .retention(Duration.ofDays(1)));
        }
    }

    /**
     * After a restart: per partition, the log from its start to its end is dense, every record in it is
     * whole, the files on disk hold exactly those records with every batch passing its CRC, each
     * acknowledged record at or above the log start is at its acknowledged offset, seek by offset and by
     * time agree with the full scan; the group's committed offsets are at least the acknowledged ones.
     */
    private void verify(ChildBroker broker, Path data, AckLedger ledger) throws IOException {
        Random sample = new Random(ledger.ackCount());
        String bootstrap = broker.bootstrap();
        try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap);
             MiniKafkaConsumer consumer = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).groupId(CrashWorkload.GROUP)
                     .enableAutoCommit(false).build())) {
            Set<TopicPartition> all = new HashSet<>();
            for (int p = 0; p < PARTITIONS; p++) {
                TopicPartition tp = new TopicPartition(TOPIC, p);
                all.add(tp);
                long start = admin.earliestOffset(tp);
                long end = admin.latestOffset(tp);
                List<ConsumerRecord> scan = fullScan(broker, consumer, tp, start, end);
                List<String> ids = new ArrayList<>(scan.size());
                for (int i = 0; i < scan.size(); i++) {
                    assertThat(scan.get(i).offset()).as("offsets of %s are dense from %d", tp, start).isEqualTo(start + i);
                    ids.add(AckLedger.idOf(scan.get(i).value(), scan.get(i).offset()));
                }
                List<Record> disk = SegmentFiles.readAll(data.resolve(TOPIC + "-" + p));
                assertThat(disk).as("records on disk in %s", tp).hasSameSizeAs(scan);
                for (int i = 0; i < disk.size(); i++) {
                    assertThat(disk.get(i).offset()).isEqualTo(start + i);
                    assertThat(disk.get(i).value()).isEqualTo(scan.get(i).value());
                }
                // Acks of later lives lie at or above this end (appends after a restart go to the log end).
                long firstUnchecked = checkedBelow.getOrDefault(p, 0L);
                ackedDeletedUnchecked += ledger.acked(p).subMap(firstUnchecked, Math.max(firstUnchecked, start)).size();
                ledger.forgetBelow(p, start); // gone by retention; checked once is enough
                for (Map.Entry<Long, String> ack : ledger.acked(p).entrySet()) {
                    long offset = ack.getKey();
                    assertThat(offset).as("acknowledged offset %d of %s lies below the log end", offset, tp).isLessThan(end);
                    assertThat(ids.get((int) (offset - start))).as("the record at acknowledged offset %d of %s", offset, tp)
                            .isEqualTo(ack.getValue());
                    ackedChecks++;
                    if (offset >= firstUnchecked) {
                        acksVerified++;
                    }
                }
                checkedBelow.put(p, end);
                checkSeeks(admin, consumer, tp, scan, sample);
            }
            Map<TopicPartition, Long> committed = consumer.committed(all);
            for (Map.Entry<TopicPartition, Long> ack : ledger.committedOffsets().entrySet()) {
                assertThat(committed.get(ack.getKey())).as("committed offset of %s after an acknowledged commit of %d",
                        ack.getKey(), ack.getValue()).isNotNull().isGreaterThanOrEqualTo(ack.getValue());
                commitChecks++;
            }
        }
    }

    private static List<ConsumerRecord> fullScan(ChildBroker broker, MiniKafkaConsumer consumer, TopicPartition tp,
            long start, long end) {
        consumer.assign(List.of(tp));
        consumer.seek(tp, start);
        List<ConsumerRecord> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (consumer.position(tp) < end) {
            if (!broker.isAlive()) {
                throw new IllegalStateException("the broker exited during the full scan of " + tp);
            }
            assertThat(System.nanoTime()).as("full scan of %s reaches %d", tp, end).isLessThan(deadline);
            records.addAll(consumer.poll(Duration.ofMillis(500)));
        }
        return records;
    }

    private void checkSeeks(MiniKafkaAdmin admin, MiniKafkaConsumer consumer, TopicPartition tp, List<ConsumerRecord> scan,
            Random sample) {
        for (int i = 0; i < 5 && !scan.isEmpty(); i++) {
            ConsumerRecord target = scan.get(sample.nextInt(scan.size()));
            consumer.seek(tp, target.offset());
            List<ConsumerRecord> first = List.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (first.isEmpty() && System.nanoTime() < deadline) {
                first = consumer.poll(Duration.ofMillis(500));
            }
            assertThat(first).as("seek to %d of %s", target.offset(), tp).isNotEmpty();
            assertThat(first.getFirst().offset()).isEqualTo(target.offset());
            assertThat(first.getFirst().value()).isEqualTo(target.value());

            long time = target.timestamp() + sample.nextInt(2);
            long expected = scan.stream().filter(r -> r.timestamp() >= time).mapToLong(ConsumerRecord::offset).min().orElse(-1);
            long found = admin.offsetForTimestamp(tp, time);
            if (expected < 0) {
                assertThat(found).as("seek by time %d past every record of %s", time, tp)
                        .isIn(-1L, scan.getLast().offset() + 1);
            } else {
                assertThat(found).as("seek by time %d in %s agrees with the full scan", time, tp).isEqualTo(expected);
            }
            seeksChecked += 2;
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
