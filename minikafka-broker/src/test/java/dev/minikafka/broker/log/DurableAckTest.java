package dev.minikafka.broker.log;

import static dev.minikafka.broker.log.LogTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DURABLE appends are acknowledged after the group-commit fsync; LEADER appends once written. */
class DurableAckTest {

    @TempDir
    Path dir;

    final ManualExecutor flushPool = new ManualExecutor();

    PartitionWriter writerWithManualFlushes(PartitionLog log) {
        return new PartitionWriter(log, Runnable::run, flushPool, () -> 0, 1 << 20);
    }

    @Test
    void shouldAckALeaderAppendAsSoonAsItIsWrittenWithoutAFlush() throws Exception {
        PartitionLog log = LogRecovery.open("events-0", dir, LogConfig.defaults(), false, 0);
        PartitionWriter writer = writerWithManualFlushes(log);
        Ack ack = new Ack();

        writer.offer(batch(1, "a", "b"), false, ack);

        assertThat(ack.isDone()).isTrue();
        assertThat(ack.baseOffset()).isZero();
        assertThat(flushPool.queued()).isZero();
        log.close();
    }

    @Test
    void shouldAckADurableAppendOnlyAfterTheGroupCommitFlushRan() throws Exception {
        PartitionLog log = LogRecovery.open("events-0", dir, LogConfig.defaults(), false, 0);
        PartitionWriter writer = writerWithManualFlushes(log);
        writer.offer(batch(1, "a", "b"), false, new Ack());
        Ack ack = new Ack();

        writer.offer(batch(2, "c"), true, ack);

        assertThat(log.logEndOffset()).as("written and readable").isEqualTo(3);
        assertThat(ack.isDone()).as("not acknowledged before the fsync").isFalse();
        assertThat(flushPool.queued()).isEqualTo(1);

        flushPool.runAll();

        assertThat(ack.isDone()).isTrue();
        assertThat(ack.baseOffset()).isEqualTo(2);
        log.close();
    }

    @Test
    void shouldLeaveTheIndexesAndTheRecoveryPointToTheCheckpointFlush() throws Exception {
        PartitionLog log = LogRecovery.open("events-0", dir, LogConfig.defaults(), false, 0);
        PartitionWriter writer = writerWithManualFlushes(log);
        RecoveryPoint before = log.recoveryPoint();
        Ack ack = new Ack();
        writer.offer(batch(1, "a", "b", "c"), true, ack);

        flushPool.runAll();

        assertThat(ack.isDone()).isTrue();
        // The ack paid for one fsync of the log; the indexes and the recovery point wait for the full flush.
        assertThat(log.recoveryPoint()).isEqualTo(before);
        assertThat(log.active().flushedSize()).isZero();

        log.flush();

        assertThat(log.recoveryPoint().offset()).isEqualTo(3);
        assertThat(log.active().flushedSize()).isEqualTo(log.active().size());
        log.close();
    }

    @Test
    void shouldShareOneFlushAmongDurableAppendsThatWaitTogether() throws Exception {
        PartitionLog log = LogRecovery.open("events-0", dir, LogConfig.defaults(), false, 0);
        PartitionWriter writer = writerWithManualFlushes(log);
        List<Ack> acks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Ack ack = new Ack();
            writer.offer(batch(i, "v" + i), true, ack);
            acks.add(ack);
        }

        assertThat(flushPool.queued()).as("one flush task for all five").isEqualTo(1);
        assertThat(acks).noneMatch(Ack::isDone);

        flushPool.runAll();

        assertThat(acks).extracting(Ack::baseOffset).containsExactly(0L, 1L, 2L, 3L, 4L);
        log.close();
    }

    @Test
    void shouldFlushAgainForDurableAppendsThatArriveDuringAFlush() throws Exception {
        PartitionLog log = LogRecovery.open("events-0", dir, LogConfig.defaults(), false, 0);
        PartitionWriter writer = writerWithManualFlushes(log);
        Ack second = new Ack();
        List<Boolean> secondDoneWhenFirstAcked = new ArrayList<>();
        writer.offer(batch(1, "first"), true, (base, time, error) -> {
            // runs on the flusher after the first fsync; this append needs a later one
            writer.offer(batch(2, "second"), true, second);
            secondDoneWhenFirstAcked.add(second.isDone());
        });

        flushPool.runAll();

        assertThat(secondDoneWhenFirstAcked).containsExactly(false);
        assertThat(second.baseOffset()).isEqualTo(1);
        log.close();
    }

    @Test
    void shouldAckDurableAppendsOnAFlusherThreadAndKeepThemThroughACrash() throws Exception {
        Path dataDir = dir.resolve("data");
        try (LogManager manager = openManager(dataDir, System::currentTimeMillis)) {
            PartitionWriter writer = manager.getOrCreate("events", 0, config(1024, 128));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Ack ack = new Ack();
                String value = "durable-" + i;
                expected.add(value);
                writer.offer(batch(i, value), true, ack);
                assertThat(ack.get().error()).isNull();
                assertThat(ack.get().baseOffset()).isEqualTo(i);
                assertThat(ack.get().thread()).startsWith("log-flusher");
            }
            Ack leader = new Ack();
            writer.offer(batch(99, "leader"), false, leader);
            assertThat(leader.get().thread()).startsWith("log-writer");
            expected.add("leader");

            // a crash: the files as they are now, with no clean shutdown
            copyDirectory(dataDir, dir.resolve("after-crash"));
        }

        try (LogManager restarted = openManager(dir.resolve("after-crash"), System::currentTimeMillis)) {
            assertThat(restarted.openedAfterCleanShutdown()).isFalse();
            PartitionLog log = restarted.getOrCreate("events", 0, config(1024, 128)).log();
            assertThat(log.logEndOffset()).isEqualTo(21);
            assertThat(values(readAll(log, 0))).hasSize(21).startsWith("durable-0").endsWith("leader");
        }
    }

    static void copyDirectory(Path from, Path to) throws Exception {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
