package dev.minikafka.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sparse time index: running maximum entries and the lookup a seek by time starts from. */
class TimeIndexTest {

    @TempDir
    Path dir;

    TimeIndex index(long base) throws Exception {
        return new TimeIndex(dir.resolve("timeindex"), base);
    }

    @Test
    void shouldAddAnEntryOnlyWhenTheRunningMaximumGrows() throws Exception {
        TimeIndex index = index(100);
        index.maybeAppend(1000, 110);
        index.maybeAppend(1000, 120);
        index.maybeAppend(900, 130);
        index.maybeAppend(1500, 140);

        assertThat(index.entries()).isEqualTo(2);
        assertThat(index.lookup(Long.MAX_VALUE)).isEqualTo(140);
        index.close();
    }

    @Test
    void shouldStartASeekAtTheLastEntryWhoseMaximumIsBelowTheTimestamp() throws Exception {
        TimeIndex index = index(100);
        index.maybeAppend(1000, 110);
        index.maybeAppend(2000, 125);
        index.maybeAppend(3000, 140);

        assertThat(index.lookup(1001)).isEqualTo(110);
        assertThat(index.lookup(2000)).as("a record at exactly 2000 may lie before offset 125").isEqualTo(110);
        assertThat(index.lookup(2001)).isEqualTo(125);
        assertThat(index.lookup(3001)).isEqualTo(140);
        assertThat(index.lookup(Long.MAX_VALUE)).isEqualTo(140);
        index.close();
    }

    @Test
    void shouldStartASeekAtTheBaseOffsetWhenNoEntryIsOlder() throws Exception {
        TimeIndex index = index(100);
        assertThat(index.lookup(5000)).as("empty index").isEqualTo(100);
        index.maybeAppend(1000, 110);

        assertThat(index.lookup(1000)).isEqualTo(100);
        assertThat(index.lookup(0)).isEqualTo(100);
        index.close();
    }

    @Test
    void shouldWriteEntriesAsTimestampAndRelativeOffsetAndReloadThem() throws Exception {
        TimeIndex index = index(1_000);
        index.maybeAppend(1_700_000_000_000L, 1_017);
        index.maybeAppend(1_700_000_000_500L, 1_030);
        index.close();

        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("timeindex")));
        assertThat(file.remaining()).isEqualTo(2 * TimeIndex.ENTRY_SIZE);
        assertThat(file.getLong()).isEqualTo(1_700_000_000_000L);
        assertThat(file.getInt()).isEqualTo(17);
        assertThat(file.getLong()).isEqualTo(1_700_000_000_500L);
        assertThat(file.getInt()).isEqualTo(30);

        TimeIndex reloaded = index(1_000);
        assertThat(reloaded.entries()).isEqualTo(2);
        assertThat(reloaded.lookup(1_700_000_000_400L)).isEqualTo(1_017);
        reloaded.close();
    }

    @Test
    void shouldDropEntriesAtOrBeyondATruncatedOffset() throws Exception {
        TimeIndex index = index(0);
        index.maybeAppend(1000, 10);
        index.maybeAppend(2000, 20);
        index.maybeAppend(3000, 30);
        index.writeNewEntries();

        index.truncateToOffset(20);

        assertThat(index.entries()).isEqualTo(1);
        assertThat(index.lookup(Long.MAX_VALUE)).isEqualTo(10);
        assertThat(Files.size(dir.resolve("timeindex"))).isEqualTo(TimeIndex.ENTRY_SIZE);
        index.close();
    }
}
