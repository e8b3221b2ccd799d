package dev.minikafka.binder;

import static dev.minikafka.binder.PolledOffsets.NOTHING;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.minikafka.client.TopicPartition;

class PolledOffsetsTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    private final PolledOffsets offsets = new PolledOffsets();

    @Test
    void recordsAcknowledgedInOrderAreEachCommitted() {
        long a = offsets.delivered(P0, 0);
        long b = offsets.delivered(P0, 1);
        assertThat(offsets.acknowledged(P0, 0, a)).isEqualTo(1);
        assertThat(offsets.acknowledged(P0, 1, b)).isEqualTo(2);
    }

    @Test
    void aLaterRecordAcknowledgedFirstWaitsForTheEarlierOneAndTheOffsetNeverMovesBack() {
        long held = offsets.delivered(P0, 5); // noAutoAck(): acknowledged later, from a worker
        long next = offsets.delivered(P0, 6);

        assertThat(offsets.acknowledged(P0, 6, next)).as("6 done, 5 still being worked on").isEqualTo(NOTHING);
        assertThat(offsets.acknowledged(P0, 5, held)).as("both done").isEqualTo(7);
    }

    @Test
    void partitionsAreCountedApart() {
        long held = offsets.delivered(P0, 0);
        long other = offsets.delivered(P1, 0);
        assertThat(offsets.acknowledged(P1, 0, other)).isEqualTo(1);
        assertThat(offsets.acknowledged(P0, 0, held)).isEqualTo(1);
    }

    @Test
    void afterARequeueOnlyTheNewDeliveriesCountFromThatOffsetOn() {
        long five = offsets.delivered(P0, 5);
        long six = offsets.delivered(P0, 6);
        offsets.requeued(P0, 5); // the application asked for 5 again: 5 and 6 come back

        assertThat(offsets.acknowledged(P0, 6, six)).as("the old delivery of 6").isEqualTo(NOTHING);
        assertThat(offsets.acknowledged(P0, 5, five)).as("the old delivery of 5").isEqualTo(NOTHING);
        long fiveAgain = offsets.delivered(P0, 5);
        long sixAgain = offsets.delivered(P0, 6);
        assertThat(offsets.acknowledged(P0, 5, fiveAgain)).isEqualTo(6);
        assertThat(offsets.acknowledged(P0, 6, sixAgain)).isEqualTo(7);
    }

    @Test
    void anEarlierRecordStillBeingWorkedOnHoldsTheCommitAcrossARequeueOfALaterOne() {
        long four = offsets.delivered(P0, 4);
        offsets.delivered(P0, 5);
        offsets.requeued(P0, 5);
        long fiveAgain = offsets.delivered(P0, 5);

        assertThat(offsets.acknowledged(P0, 5, fiveAgain)).isEqualTo(NOTHING);
        assertThat(offsets.acknowledged(P0, 4, four)).isEqualTo(6);
    }

    @Test
    void acknowledgementsOfARevokedPartitionChangeNothingEvenWhenItComesBack() {
        long before = offsets.delivered(P0, 3);
        offsets.revoked(List.of(P0));
        assertThat(offsets.acknowledged(P0, 3, before)).isEqualTo(NOTHING);

        long again = offsets.delivered(P0, 3); // assigned back, read again from the committed offset
        assertThat(offsets.acknowledged(P0, 3, before)).as("the delivery from before the revocation").isEqualTo(NOTHING);
        assertThat(offsets.acknowledged(P0, 3, again)).isEqualTo(4);
    }

    @Test
    void aSecondAcknowledgementOfTheSameDeliveryChangesNothing() {
        long a = offsets.delivered(P0, 0);
        assertThat(offsets.acknowledged(P0, 0, a)).isEqualTo(1);
        assertThat(offsets.acknowledged(P0, 0, a)).isEqualTo(NOTHING);
    }
}
