package dev.minikafka.broker.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

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
 * <p>Small segments (96 KiB, so the in-memory indexes grow several times per segment) and a small size
 * retention (2 MiB per partition, well above the broker's 256 KiB append queue, so the newest acknowledged
 * records are still there to check) make rolls and deletes happen every few hundred milliseconds.
 *
 * <p>{@code -Dcrash.iterations=N} (default 8, the CI form) sets the number of broker lives;
 * {@code -Dcrash.seed=S} replays a schedule (crash points, occurrences, kill delays; the timing of the load
 * itself is not reproducible). The seed is printed first; {@code target/crash-results/} keeps the broker's
 * log and a summary.
 */
class KillNineCrashIT {

    private static final String TOPIC = "crash";
    private static final int PARTITIONS = 2;
    private static final int PRODUCERS = 2;
    private static final List<CrashPoint> POINTS = List.of(CrashPoint.values());

    private final Map<CrashPoint, Integer> pointsHit = new EnumMap<>(CrashPoint.class);
    private int timerKills;
    private int crashesInStartup;
    private long verifiedAcks;
    private long ackedBelowLogStart;
    private long seeksChecked;

    @Test
    void acknowledgedRecordsAndCommitsSurviveKillNine() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        int iterations = Integer.getInteger("crash.iterations", 8);
        System.out.printf("KillNineCrashIT: seed %d, %d iterations (replay: -Dcrash.seed=%d -Dcrash.iterations=%d)%n",
                seed, iterations, seed, iterations);
        Path results = Path.of(System.getProperty("crash.resultsDir", "target/crash-results"));
        Path run = Files.createDirectories(results).resolve("kill-nine-" + seed);
        deleteRecursively(run);
        Path data = Files.createDirectories(run.resolve("data"));
        Random random = new Random(seed);
        AckLedger ledger = new AckLedger();
        long started = System.nanoTime();
        int lives = 0;
        try {
            for (int life = 0; life <= iterations; life++) {
                lives = life;
                summary(seed, started, ledger, run, life);
                boolean last = life == iterations;
                CrashPoint point = last || random.nextInt(3) == 0 ? null : POINTS.get(random.nextInt(POINTS.size()));
                String armed = point == null ? null : point.propertyName() + ":" + occurrence(point, random);
                long killAfterMs = 300 + random.nextInt(2_700);
                BrokerChild broker = BrokerChild.start(data, armed);
                if (!broker.isAlive()) {
                    crashesInStartup++;
                    hit(point);
                    continue;
                }
                try {
                    if (life == 0) {
                        createTopic(broker.bootstrap());
                    }
                    verify(broker.bootstrap(), data, ledger);
                } catch (RuntimeException | AssertionError e) {
                    if (!broker.isAlive() && broker.exitValue() == CrashPoint.EXIT_STATUS) {
                        hit(point); // the armed point fired while we were checking; check again next life
                        continue;
                    }
                    broker.kill();
                    throw new AssertionError("life " + life + " (seed " + seed + ", armed " + armed + "): " + e.getMessage()
                            + "; see " + broker.logFile(), e);
                }
                if (last) {
                    broker.kill();
                    break;
                }
                runUntilKilled(broker, point, killAfterMs, ledger, life);
            }
        } finally {
            System.out.print(summary(seed, started, ledger, run, lives));
        }
        assertThat(verifiedAcks).as("acknowledged records were checked after restarts").isPositive();
        assertThat(ledger.commitCount()).as("the consumer group committed").isPositive();
        deleteRecursively(data); // keep the broker log and summary, not the data
    }

    /** The figures so far, also written to {@code summary.txt} (after every life, so a long run can be cut short). */
    private String summary(long seed, long started, AckLedger ledger, Path run, int lives) throws IOException {
        String summary = String.format("KillNineCrashIT seed %d: %d lives (kills) in %d s; %d records acknowledged "
                + "(DURABLE), %d checks of an acknowledged record at its offset after a restart, %d deleted by retention "
                + "before a check; "
                + "%d commits acknowledged; %d seeks checked; crash points hit %s (%d of them during start-up), "
                + "%d kills at a random moment%n", seed, lives, Duration.ofNanos(System.nanoTime() - started).toSeconds(),
                ledger.ackCount(), verifiedAcks, ackedBelowLogStart, ledger.commitCount(), seeksChecked, pointsHit,
                crashesInStartup, timerKills);
        Files.writeString(run.resolve("summary.txt"), summary);
        return summary;
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

    private void runUntilKilled(BrokerChild broker, CrashPoint point, long killAfterMs, AckLedger ledger, int life)
            throws Exception {
        CrashWorkload workload = new CrashWorkload(broker.bootstrap(), TOPIC, ledger, "l" + life);
        try {
            workload.start(PRODUCERS);
            workload.awaitProgress(Duration.ofSeconds(60));
            // An armed broker gets longer to reach its point; both are killed in the end if still running.
            boolean exited = !broker.isAlive() || broker.awaitExit(Duration.ofMillis(point == null ? killAfterMs : 8_000));
            if (exited && broker.exitValue() == CrashPoint.EXIT_STATUS) {
                hit(point);
            } else if (exited) {
                throw new AssertionError("the broker exited with status " + broker.exitValue() + "; see " + broker.logFile());
            } else {
                broker.kill();
                timerKills++;
            }
        } finally {
            broker.kill();
            workload.close();
        }
        assertThat(workload.problems()).as("problems seen by the load in life " + life).isEmpty();
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
    private void verify(String bootstrap, Path data, AckLedger ledger) throws IOException {
        Random sample = new Random(ledger.ackCount());
        try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap);
             MiniKafkaConsumer consumer = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).groupId(CrashWorkload.GROUP)
                     .enableAutoCommit(false).build())) {
            Set<TopicPartition> all = new HashSet<>();
            for (int p = 0; p < PARTITIONS; p++) {
                TopicPartition tp = new TopicPartition(TOPIC, p);
                all.add(tp);
                long start = admin.earliestOffset(tp);
                long end = admin.latestOffset(tp);
                List<ConsumerRecord> scan = fullScan(consumer, tp, start, end);
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
                ackedBelowLogStart += ledger.acked(p).headMap(start).size();
                ledger.forgetBelow(p, start); // gone by retention; checked once is enough
                for (Map.Entry<Long, String> ack : ledger.acked(p).entrySet()) {
                    long offset = ack.getKey();
                    assertThat(offset).as("acknowledged offset %d of %s lies below the log end", offset, tp).isLessThan(end);
                    assertThat(ids.get((int) (offset - start))).as("the record at acknowledged offset %d of %s", offset, tp)
                            .isEqualTo(ack.getValue());
                    verifiedAcks++;
                }
                checkSeeks(admin, consumer, tp, scan, sample);
            }
            Map<TopicPartition, Long> committed = consumer.committed(all);
            for (Map.Entry<TopicPartition, Long> ack : ledger.committedOffsets().entrySet()) {
                assertThat(committed.get(ack.getKey())).as("committed offset of %s after an acknowledged commit of %d",
                        ack.getKey(), ack.getValue()).isNotNull().isGreaterThanOrEqualTo(ack.getValue());
            }
        }
    }

    private static List<ConsumerRecord> fullScan(MiniKafkaConsumer consumer, TopicPartition tp, long start, long end) {
        consumer.assign(List.of(tp));
        consumer.seek(tp, start);
        List<ConsumerRecord> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (consumer.position(tp) < end) {
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
