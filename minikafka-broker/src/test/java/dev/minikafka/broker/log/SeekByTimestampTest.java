package dev.minikafka.broker.log;

import static dev.minikafka.broker.log.LogTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.minikafka.protocol.Record;

/** PartitionLog.offsetForTimestamp: the first offset whose record timestamp is at or after t. */
class SeekByTimestampTest {

    @TempDir
    Path dir;

    PartitionLog log;
    PartitionWriter writer;

    void open(LogConfig config) throws Exception {
        log = LogRecovery.open("events-0", dir, config, false, 0);
        writer = directWriter(log, () -> 0);
    }

    @AfterEach
    void close() throws Exception {
        if (log != null) {
            log.close();
        }
    }

    @Test
    void shouldFindTheFirstRecordAtOrAfterTheTimestamp() throws Exception {
        open(LogConfig.defaults());
        append(writer, batch(new long[] {1000, 1010, 1020}, "a", "b", "c"));
        append(writer, batch(new long[] {1030, 1040}, "d", "e"));

        assertThat(log.offsetForTimestamp(0)).isZero();
        assertThat(log.offsetForTimestamp(1000)).isZero();
        assertThat(log.offsetForTimestamp(1001)).isEqualTo(1);
        assertThat(log.offsetForTimestamp(1020)).isEqualTo(2);
        assertThat(log.offsetForTimestamp(1021)).isEqualTo(3);
        assertThat(log.offsetForTimestamp(1040)).isEqualTo(4);
    }

    @Test
    void shouldAnswerTheLogEndWhenEveryRecordIsOlder() throws Exception {
        open(LogConfig.defaults());
        assertThat(log.offsetForTimestamp(5)).as("empty log").isZero();
        append(writer, batch(new long[] {1000, 1010}, "a", "b"));

        assertThat(log.offsetForTimestamp(1011)).isEqualTo(2);
        assertThat(log.offsetForTimestamp(Long.MAX_VALUE)).isEqualTo(2);
    }

    @Test
    void shouldFindTheFirstOffsetInLogOrderWhenProducerTimestampsGoBackwards() throws Exception {
        open(LogConfig.defaults());
        append(writer, batch(new long[] {100, 300, 200}, "a", "b", "c"));
        append(writer, batch(new long[] {150, 400}, "d", "e"));

        assertThat(log.offsetForTimestamp(150)).isEqualTo(1);
        assertThat(log.offsetForTimestamp(301)).isEqualTo(4);
        assertThat(log.offsetForTimestamp(101)).isEqualTo(1);
    }

    @Test
    void shouldAgreeWithALinearScanAcrossManySegmentsAndIndexEntries() throws Exception {
        open(config(2048, 128));
        Random random = new Random(42);
        for (int b = 0; b < 150; b++) {
            int n = 1 + random.nextInt(4);
            long[] timestamps = new long[n];
            String[] values = new String[n];
            for (int i = 0; i < n; i++) {
                // mostly increasing, with stragglers from the past
                timestamps[i] = b * 100L + random.nextInt(300) - (random.nextInt(10) == 0 ? 2000 : 0);
                values[i] = "v" + b + "." + i;
            }
            append(writer, batch(timestamps, values));
        }
        assertThat(log.segmentCount()).isGreaterThan(5);
        List<Record> records = readAll(log, 0);

        for (long t = -2500; t <= 15_500; t += 37) {
            long expected = log.logEndOffset();
            for (Record record : records) {
                if (record.timestamp() >= t) {
                    expected = record.offset();
                    break;
                }
            }
            assertThat(log.offsetForTimestamp(t)).as("offsetForTimestamp(%d)", t).isEqualTo(expected);
        }
    }

    @Test
    void shouldSeekWithTheRebuiltTimeIndexAfterARestart() throws Exception {
        open(config(1024, 64));
        List<Long> timestamps = new ArrayList<>();
        for (int b = 0; b < 60; b++) {
            append(writer, batch(new long[] {b * 10L, b * 10L + 5}, "x", "y"));
            timestamps.add(b * 10L);
            timestamps.add(b * 10L + 5);
        }
        log.close();

        log = LogRecovery.open("events-0", dir, config(1024, 64), true, 0);

        assertThat(log.offsetForTimestamp(0)).isZero();
        assertThat(log.offsetForTimestamp(301)).isEqualTo(timestamps.indexOf(305L));
        assertThat(log.offsetForTimestamp(590)).isEqualTo(118);
        assertThat(log.offsetForTimestamp(596)).isEqualTo(120);
    }
}
