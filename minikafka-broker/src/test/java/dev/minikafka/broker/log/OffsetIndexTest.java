package dev.minikafka.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sparse offset index: floor lookups, persistence, truncation, sanity checks. */
class OffsetIndexTest {

    @TempDir
    Path dir;

    OffsetIndex index(long base) throws Exception {
        return new OffsetIndex(dir.resolve("index"), base);
    }

    @Test
    void shouldReturnThePositionOfTheLastEntryAtOrBelowTheOffset() throws Exception {
        OffsetIndex index = index(100);
        index.append(110, 1000);
        index.append(125, 2000);
        index.append(140, 3000);

        assertThat(index.lookup(110)).isEqualTo(1000);
        assertThat(index.lookup(124)).isEqualTo(1000);
        assertThat(index.lookup(125)).isEqualTo(2000);
        assertThat(index.lookup(139)).isEqualTo(2000);
        assertThat(index.lookup(140)).isEqualTo(3000);
        assertThat(index.lookup(Long.MAX_VALUE)).isEqualTo(3000);
        index.close();
    }

    @Test
    void shouldReturnTheStartOfTheSegmentBelowTheFirstEntry() throws Exception {
        OffsetIndex index = index(100);
        assertThat(index.lookup(150)).as("empty index").isZero();
        index.append(110, 1000);

        assertThat(index.lookup(109)).isZero();
        assertThat(index.lookup(100)).isZero();
        assertThat(index.lookup(5)).as("below the segment's base offset").isZero();
        index.close();
    }

    @Test
    void shouldFindTheFloorAmongManyEntries() throws Exception {
        OffsetIndex index = index(0);
        for (int i = 1; i <= 1000; i++) {
            index.append(i * 10L, i * 4096);
        }

        assertThat(index.entries()).isEqualTo(1000);
        for (int offset = 0; offset < 10_020; offset += 7) {
            int expected = offset < 10 ? 0 : Math.min(offset / 10, 1000) * 4096;
            assertThat(index.lookup(offset)).as("lookup(%d)", offset).isEqualTo(expected);
        }
        index.close();
    }

    @Test
    void shouldWriteEntriesAsBigEndianRelativeOffsetAndPositionAndReloadThem() throws Exception {
        OffsetIndex index = index(1_000_000);
        index.append(1_000_007, 4100);
        index.append(1_000_020, 8300);
        index.writeNewEntries();
        index.close();

        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("index")));
        assertThat(file.remaining()).isEqualTo(2 * OffsetIndex.ENTRY_SIZE);
        assertThat(file.getInt()).isEqualTo(7);
        assertThat(file.getInt()).isEqualTo(4100);
        assertThat(file.getInt()).isEqualTo(20);
        assertThat(file.getInt()).isEqualTo(8300);

        OffsetIndex reloaded = index(1_000_000);
        assertThat(reloaded.entries()).isEqualTo(2);
        assertThat(reloaded.lookup(1_000_019)).isEqualTo(4100);
        assertThat(reloaded.lookup(1_000_020)).isEqualTo(8300);
        reloaded.close();
    }

    @Test
    void shouldWriteOnlyTheEntriesAddedSinceTheLastWrite() throws Exception {
        OffsetIndex index = index(0);
        index.append(1, 100);
        index.writeNewEntries();
        index.append(2, 200);
        index.append(3, 300);
        index.writeNewEntries();
        index.writeNewEntries();

        assertThat(Files.size(dir.resolve("index"))).isEqualTo(3L * OffsetIndex.ENTRY_SIZE);
        index.close();
        assertThat(index(0).lookup(3)).isEqualTo(300);
    }

    @Test
    void shouldDropATornLastEntryWhenLoading() throws Exception {
        OffsetIndex index = index(0);
        index.append(5, 500);
        index.append(9, 900);
        index.close();
        Files.write(dir.resolve("index"), new byte[] {0, 0, 0, 12, 0}, StandardOpenOption.APPEND);

        OffsetIndex reloaded = index(0);

        assertThat(reloaded.entries()).isEqualTo(2);
        assertThat(Files.size(dir.resolve("index"))).isEqualTo(2L * OffsetIndex.ENTRY_SIZE);
        assertThat(reloaded.lookup(100)).isEqualTo(900);
        reloaded.close();
    }

    @Test
    void shouldDropEntriesAtOrBeyondATruncatedPosition() throws Exception {
        OffsetIndex index = index(0);
        index.append(5, 500);
        index.append(9, 900);
        index.append(12, 1200);
        index.writeNewEntries();

        index.truncateToPosition(900);

        assertThat(index.entries()).isEqualTo(1);
        assertThat(index.lookup(12)).isEqualTo(500);
        assertThat(Files.size(dir.resolve("index"))).isEqualTo(OffsetIndex.ENTRY_SIZE);
        index.append(9, 950);
        index.close();
        assertThat(index(0).lookup(10)).isEqualTo(950);
    }

    @Test
    void shouldPassTheSanityCheckForIncreasingEntriesInsideTheLog() throws Exception {
        OffsetIndex index = index(0);
        index.append(5, 500);
        index.append(9, 900);

        assertThat(index.sanityCheck(901)).isNull();
        assertThat(index.sanityCheck(900)).contains("entry 1").contains("outside the log");
        index.close();
    }

    @Test
    void shouldFailTheSanityCheckForEntriesThatDoNotIncrease() throws Exception {
        OffsetIndex sameOffset = new OffsetIndex(dir.resolve("a"), 0);
        sameOffset.append(5, 500);
        sameOffset.append(5, 900);
        OffsetIndex samePosition = new OffsetIndex(dir.resolve("b"), 0);
        samePosition.append(5, 500);
        samePosition.append(7, 500);

        assertThat(sameOffset.sanityCheck(10_000)).contains("does not increase");
        assertThat(samePosition.sanityCheck(10_000)).contains("does not increase");
        sameOffset.close();
        samePosition.close();
    }

    @Test
    void shouldFailTheSanityCheckForNegativeEntriesReadFromAGarbledFile() throws Exception {
        byte[] garbage = new byte[4 * OffsetIndex.ENTRY_SIZE];
        java.util.Arrays.fill(garbage, (byte) 0xFF);
        Files.write(dir.resolve("index"), garbage);

        OffsetIndex index = index(0);

        assertThat(index.entries()).isEqualTo(4);
        assertThat(index.sanityCheck(1 << 20)).contains("entry 0").contains("outside the log");
        index.close();
    }
}
