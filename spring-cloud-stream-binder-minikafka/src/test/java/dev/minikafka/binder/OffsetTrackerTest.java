package dev.minikafka.binder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.TopicPartition;

class OffsetTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    private final OffsetTracker offsets = new OffsetTracker("t");

    @Test
    void shouldCommitThePositionAfterTheLastProcessedRecordOnlyOnceItMoved() {
        offsets.processed(List.of(record(0, 4), record(0, 5), record(1, 0)));

        Map<TopicPartition, Long> first = offsets.toCommit(Set.of(P0, P1));
        offsets.committed(first);

        assertThat(first).containsExactlyInAnyOrderEntriesOf(Map.of(P0, 6L, P1, 1L));
        assertThat(offsets.toCommit(Set.of(P0, P1))).isEmpty();
    }

    @Test
    void shouldFoldInAcknowledgementsFromOtherThreadsAndNeverMoveBack() throws InterruptedException {
        long[] nine = offsets.acknowledgementOf(List.of(record(0, 9)));
        long[] three = offsets.acknowledgementOf(List.of(record(0, 3)));
        Thread other = new Thread(() -> offsets.acknowledged(nine));
        other.start();
        other.join();
        offsets.acknowledged(three);

        assertThat(offsets.toCommit(Set.of(P0))).containsExactlyEntriesOf(Map.of(P0, 10L));
    }

    @Test
    void shouldLeaveOutPartitionsNotAskedForAndForgetRevokedOnes() {
        offsets.processed(List.of(record(0, 1), record(1, 1)));

        assertThat(offsets.toCommit(Set.of(P1))).containsOnlyKeys(P1);
        offsets.forget(Set.of(P1));
        assertThat(offsets.toCommit(Set.of(P0, P1))).containsOnlyKeys(P0);
    }

    @Test
    void shouldTrackRecordsOneByOneOnAnyPartitionAndIgnoreOtherTopics() {
        offsets.processed(record(9, 41));
        offsets.processed(record(2, 7));
        offsets.processed(record(9, 40)); // an earlier offset (a redelivery) never moves the position back

        TopicPartition p9 = new TopicPartition("t", 9);
        TopicPartition p2 = new TopicPartition("t", 2);
        Map<TopicPartition, Long> moved = offsets.toCommit(Set.of(p9, p2, new TopicPartition("other", 9), P0));

        assertThat(moved).containsExactlyInAnyOrderEntriesOf(Map.of(p9, 42L, p2, 8L));
    }

    @Test
    void shouldOfferAPartitionAgainAfterItWasForgottenAndProcessedAnew() {
        offsets.processed(record(1, 5));
        offsets.committed(offsets.toCommit(Set.of(P1)));
        offsets.forget(Set.of(P1));

        offsets.processed(record(1, 5)); // the partition came back and its record was read again

        assertThat(offsets.toCommit(Set.of(P1))).containsExactlyEntriesOf(Map.of(P1, 6L));
    }

    @Test
    void shouldOfferARefusedCommitAgainUnlessALaterOneCoversIt() throws InterruptedException {
        offsets.processed(record(0, 4));
        Map<TopicPartition, Long> refused = offsets.toCommit(Set.of(P0));
        offsets.committed(refused); // sent without waiting: counted as committed when it leaves
        offsets.processed(record(1, 0));
        offsets.committed(offsets.toCommit(Set.of(P1)));

        Thread grpc = new Thread(() -> offsets.commitFailed(refused)); // its answer comes on another thread
        grpc.start();
        grpc.join();

        assertThat(offsets.toCommit(Set.of(P0, P1))).containsExactlyEntriesOf(Map.of(P0, 5L));

        offsets.committed(Map.of(P0, 5L));
        offsets.processed(record(0, 5));
        offsets.committed(offsets.toCommit(Set.of(P0)));
        offsets.commitFailed(Map.of(P0, 5L)); // an older commit's refusal arrives after a newer one left
        assertThat(offsets.toCommit(Set.of(P0))).isEmpty();
    }

    @Test
    void shouldKeepAcknowledgementsOfKeptPartitionsThatARevocationFoldedIn() {
        offsets.acknowledged(offsets.acknowledgementOf(List.of(record(0, 2), record(1, 7))));

        assertThat(offsets.toCommit(Set.of(P1))).containsExactlyEntriesOf(Map.of(P1, 8L)); // drains the queue
        offsets.forget(Set.of(P1));

        assertThat(offsets.toCommit(Set.of(P0))).containsExactlyEntriesOf(Map.of(P0, 3L));
    }

    @Test
    void shouldIgnoreALateAcknowledgementOfAPartitionThatLeftAndCameBack() {
        long[] beforeTheRebalance = offsets.acknowledgementOf(List.of(record(0, 500)));
        offsets.forget(Set.of(P0)); // P0 went to another member, which committed 1000, and came back
        long[] afterIt = offsets.acknowledgementOf(List.of(record(0, 1000)));

        offsets.acknowledged(beforeTheRebalance); // from a worker thread, late
        assertThat(offsets.toCommit(Set.of(P0))).as("nothing to commit over the other member's 1000").isEmpty();

        offsets.acknowledged(afterIt);
        assertThat(offsets.toCommit(Set.of(P0))).containsExactlyEntriesOf(Map.of(P0, 1001L));
    }

    private static ConsumerRecord record(int partition, long offset) {
        return new ConsumerRecord("t", partition, offset, 0L, null, new byte[0], List.of());
    }
}
