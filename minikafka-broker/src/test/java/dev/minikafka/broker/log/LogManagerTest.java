package dev.minikafka.broker.log;

import static dev.minikafka.broker.log.LogTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log manager: one writer per partition directory, listing and deleting topics, the shutdown marker. */
class LogManagerTest {

    @TempDir
    Path dataDir;

    LogManager manager;

    @BeforeEach
    void open() throws Exception {
        manager = openManager(dataDir, System::currentTimeMillis);
    }

    @AfterEach
    void close() throws Exception {
        manager.close();
    }

    @Test
    void shouldReturnTheSameWriterForAPartitionAndSeparateOnesPerPartition() throws Exception {
        PartitionWriter first = manager.getOrCreate("orders", 0, LogConfig.defaults());
        PartitionWriter again = manager.getOrCreate("orders", 0, LogConfig.defaults());
        PartitionWriter other = manager.getOrCreate("orders", 1, LogConfig.defaults());

        assertThat(again).isSameAs(first);
        assertThat(other).isNotSameAs(first);
        assertThat(first.log().name()).isEqualTo("orders-0");
        assertThat(other.log().name()).isEqualTo("orders-1");
        assertThat(dataDir.resolve("orders-0")).isDirectory();
        assertThat(dataDir.resolve("orders-1")).isDirectory();
        assertThat(logFile(dataDir.resolve("orders-1"), 0)).exists();

        append(first, batch(1, "a", "b"));
        assertThat(append(other, batch(1, "c"))).as("each partition has its own offsets").isZero();
        assertThat(first.log().logEndOffset()).isEqualTo(2);
    }

    @Test
    void shouldApplyANewConfigPassedToGetOrCreate() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, LogConfig.defaults());
        LogConfig changed = config(2048, 512).withRetention(1000, 5000);

        manager.getOrCreate("orders", 0, changed);

        assertThat(writer.log().config()).isEqualTo(changed);
        append(writer, sizedBatch(0, 1500));
        append(writer, sizedBatch(0, 1500));
        assertThat(segmentBases(dataDir.resolve("orders-0"))).as("the new segment.bytes rolls").containsExactly(0L, 1L);
    }

    @Test
    void shouldListTheTopicsThatHavePartitionDirectories() throws Exception {
        manager.getOrCreate("orders", 0, LogConfig.defaults());
        manager.getOrCreate("orders", 2, LogConfig.defaults());
        manager.getOrCreate("orders-eu", 0, LogConfig.defaults());
        manager.getOrCreate("clicks", 11, LogConfig.defaults());
        Files.createDirectories(dataDir.resolve("metadata"));
        Files.createDirectories(dataDir.resolve("not-a-partition"));
        Files.createFile(dataDir.resolve("stray-7"));

        assertThat(manager.topicsOnDisk()).containsExactly("clicks", "orders", "orders-eu");
    }

    @Test
    void shouldListTopicsLeftOnDiskBeforeTheyAreOpened() throws Exception {
        Files.createDirectories(dataDir.resolve("payments-3"));

        assertThat(manager.topicsOnDisk()).containsExactly("payments");
    }

    @Test
    void shouldDeleteEveryPartitionOfATopicAndNothingElse() throws Exception {
        PartitionWriter orders0 = manager.getOrCreate("orders", 0, LogConfig.defaults());
        PartitionWriter orders1 = manager.getOrCreate("orders", 1, LogConfig.defaults());
        PartitionWriter ordersEu = manager.getOrCreate("orders-eu", 0, LogConfig.defaults());
        append(orders0, batch(1, "a"));
        append(orders1, batch(1, "b"));
        append(ordersEu, batch(1, "c"));
        Files.createDirectories(dataDir.resolve("orders-7")); // on disk, never opened

        manager.deleteLogs("orders");

        assertThat(dataDir.resolve("orders-0")).doesNotExist();
        assertThat(dataDir.resolve("orders-1")).doesNotExist();
        assertThat(dataDir.resolve("orders-7")).doesNotExist();
        assertThat(dataDir.resolve("orders-eu-0")).isDirectory();
        assertThat(manager.topicsOnDisk()).containsExactly("orders-eu");
        assertThat(values(readAll(ordersEu.log(), 0))).containsExactly("c");
    }

    @Test
    void shouldRefuseAppendsToADeletedTopicAndStartFreshWhenItIsCreatedAgain() throws Exception {
        PartitionWriter old = manager.getOrCreate("orders", 0, LogConfig.defaults());
        append(old, batch(1, "a", "b", "c"));

        manager.deleteLogs("orders");

        Ack late = new Ack();
        assertThat(old.offer(batch(2, "late"), false, late)).isTrue();
        assertThat(late.get().error()).isInstanceOf(IllegalStateException.class);
        PartitionWriter recreated = manager.getOrCreate("orders", 0, LogConfig.defaults());
        assertThat(recreated).isNotSameAs(old);
        assertThat(recreated.log().logEndOffset()).isZero();
        assertThat(append(recreated, batch(3, "new"))).isZero();
    }

    @Test
    void shouldWriteTheCleanShutdownMarkerOnCloseAndRemoveItOnOpen() throws Exception {
        assertThat(manager.openedAfterCleanShutdown()).as("first start").isFalse();
        append(manager.getOrCreate("orders", 0, LogConfig.defaults()), batch(1, "a"));
        Path marker = dataDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER);
        assertThat(marker).doesNotExist();

        manager.close();
        assertThat(marker).exists();
        manager.close(); // idempotent

        manager = openManager(dataDir, System::currentTimeMillis);
        assertThat(manager.openedAfterCleanShutdown()).isTrue();
        assertThat(marker).doesNotExist();
        assertThat(manager.getOrCreate("orders", 0, LogConfig.defaults()).log().logEndOffset()).isEqualTo(1);
    }

    @Test
    void shouldWriteWhatWasQueuedBeforeClosing() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, LogConfig.defaults());
        Ack[] acks = new Ack[200];
        for (int i = 0; i < acks.length; i++) {
            acks[i] = new Ack();
            assertThat(writer.offer(batch(i, "v" + i), i % 2 == 0, acks[i])).isTrue();
        }

        manager.close();

        for (int i = 0; i < acks.length; i++) {
            assertThat(acks[i].baseOffset()).isEqualTo(i);
        }
        manager = openManager(dataDir, System::currentTimeMillis);
        assertThat(manager.getOrCreate("orders", 0, LogConfig.defaults()).log().logEndOffset()).isEqualTo(200);
    }

    @Test
    void shouldRefuseNewPartitionsAndAppendsOnceClosed() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, LogConfig.defaults());
        manager.close();

        assertThatThrownBy(() -> manager.getOrCreate("orders", 1, LogConfig.defaults()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        Ack ack = new Ack();
        writer.offer(batch(1, "late"), false, ack);
        assertThat(ack.get().error()).hasMessageContaining("shutting down");
    }

    @Test
    void shouldOpenThePartitionsOnDiskInTheBackgroundAndHandThemOutWithTheTopicsConfig() throws Exception {
        append(manager.getOrCreate("orders", 0, LogConfig.defaults()), batch(1, "a", "b"));
        append(manager.getOrCreate("orders", 1, LogConfig.defaults()), batch(1, "c"));
        manager.close();

        manager = openManager(dataDir, System::currentTimeMillis);
        manager.openAllInBackground(2);
        LogConfig changed = config(2048, 512).withRetention(1000, 5000);
        PartitionWriter orders0 = manager.getOrCreate("orders", 0, changed);
        PartitionWriter orders1 = manager.getOrCreate("orders", 1, LogConfig.defaults());

        assertThat(values(readAll(orders0.log(), 0))).containsExactly("a", "b");
        assertThat(values(readAll(orders1.log(), 0))).containsExactly("c");
        assertThat(orders0.log().config()).as("the topic's config, not the one it was opened with").isEqualTo(changed);
        assertThat(manager.getOrCreate("orders", 0, changed)).isSameAs(orders0);
        assertThat(append(orders0, batch(2, "d"))).isEqualTo(2);
        assertThat(manager.getOrCreate("orders", 2, LogConfig.defaults()).log().logEndOffset())
                .as("a partition not on disk opens as before").isZero();
    }

    @Test
    void shouldDeleteATopicWhosePartitionsAreStillOpeningInTheBackground() throws Exception {
        append(manager.getOrCreate("orders", 0, LogConfig.defaults()), batch(1, "a"));
        append(manager.getOrCreate("clicks", 0, LogConfig.defaults()), batch(1, "b"));
        manager.close();

        manager = openManager(dataDir, System::currentTimeMillis);
        manager.openAllInBackground(2);
        manager.deleteLogs("orders");

        assertThat(dataDir.resolve("orders-0")).doesNotExist();
        assertThat(manager.getOrCreate("orders", 0, LogConfig.defaults()).log().logEndOffset()).isZero();
        assertThat(values(readAll(manager.getOrCreate("clicks", 0, LogConfig.defaults()).log(), 0))).containsExactly("b");
    }

    @Test
    void shouldCloseCleanlyWithPartitionsOpenedInTheBackgroundButNeverAskedFor() throws Exception {
        PartitionWriter writer = manager.getOrCreate("orders", 0, LogConfig.defaults());
        append(writer, batch(1, "a", "b", "c"));
        manager.close();

        manager = openManager(dataDir, System::currentTimeMillis);
        manager.openAllInBackground(1);
        manager.close();

        assertThat(dataDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER)).exists();
        manager = openManager(dataDir, System::currentTimeMillis);
        assertThat(manager.openedAfterCleanShutdown()).isTrue();
        assertThat(values(readAll(manager.getOrCreate("orders", 0, LogConfig.defaults()).log(), 0)))
                .containsExactly("a", "b", "c");
    }
}
