package dev.minikafka.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.minikafka.client.TopicPartition;
import dev.minikafka.protocol.BatchCheck;
import dev.minikafka.protocol.RecordBatch;

/** The producer side of idempotence: stamping, the five-batch window, retry order, sequence restarts. */
class IdempotentPartitionAccumulatorTest {

    private static final long PRODUCER_ID = 42;

    private final AtomicLong sealOrder = new AtomicLong();
    private final List<SealedBatch> sealed = new ArrayList<>();
    private final PartitionAccumulator accumulator = new PartitionAccumulator(new TopicPartition("t", 0), 1024,
            sealOrder::incrementAndGet, ProducerIdentity.known(PRODUCER_ID));
    private final long[] nextWake = {Long.MAX_VALUE};

    /** Seals a batch of {@code records} records and returns it, drained as one request. */
    private SealedBatch sendBatch(int records) {
        for (int i = 0; i < records; i++) {
            accumulator.append(1L, null, new byte[10], List.of(), null, 30, 0, sealed::add);
        }
        SealedBatch[] request = accumulator.drain(0, 0, true, nextWake, sealed::add);
        assertThat(request).hasSize(1);
        return request[0];
    }

    private static ByteBuffer header(SealedBatch batch) {
        return batch.bytes.asReadOnlyByteBuffer();
    }

    @Test
    void stampsProducerIdEpochAndConsecutiveSequencesWhenSealing() {
        SealedBatch first = sendBatch(3);
        SealedBatch second = sendBatch(2);
        assertThat(RecordBatch.producerId(header(first), 0)).isEqualTo(PRODUCER_ID);
        assertThat(RecordBatch.producerEpoch(header(first), 0)).isZero();
        assertThat(RecordBatch.baseSequence(header(first), 0)).isZero();
        assertThat(RecordBatch.baseSequence(header(second), 0)).isEqualTo(3);
        assertThat(second.lastSequence()).isEqualTo(4);
    }

    @Test
    void keepsAtMostFiveBatchesInFlight() {
        for (int i = 0; i < PartitionAccumulator.MAX_IN_FLIGHT; i++) {
            accumulator.append(1L, null, new byte[10], List.of(), null, 30, 0, sealed::add);
            accumulator.sealOpen(sealed::add);
        }
        accumulator.append(1L, null, new byte[10], List.of(), null, 30, 0, sealed::add);
        accumulator.sealOpen(sealed::add);
        SealedBatch[] request = accumulator.drain(0, 0, true, nextWake, sealed::add);
        assertThat(request).as("one request takes only the five the broker can remember").hasSize(5);
        assertThat(accumulator.drain(0, 0, true, nextWake, sealed::add)).isNull();
        accumulator.requestDone(5);
        assertThat(accumulator.drain(0, 0, true, nextWake, sealed::add)).hasSize(1);
    }

    @Test
    void recordsSentWhileFiveBatchesAreInFlightJoinOneBatchAndLeaveWhenASlotFrees() {
        for (int i = 0; i < PartitionAccumulator.MAX_IN_FLIGHT; i++) {
            sendBatch(1); // linger 0: each record leaves at once, as at a low rate
        }
        for (int i = 0; i < 4; i++) {
            accumulator.append(1L, null, new byte[10], List.of(), null, 30, i, sealed::add);
            assertThat(accumulator.drain(i, 0, false, nextWake, sealed::add)).as("no slot: the batch stays open").isNull();
        }
        assertThat(nextWake[0]).as("an answer wakes the sender, not the linger").isEqualTo(Long.MAX_VALUE);
        accumulator.requestDone(1);
        SealedBatch[] request = accumulator.drain(10, 0, false, nextWake, sealed::add);
        assertThat(request).hasSize(1);
        assertThat(request[0].recordCount).as("one batch, not four queued behind each other").isEqualTo(4);
        assertThat(RecordBatch.baseSequence(header(request[0]), 0)).isEqualTo(PartitionAccumulator.MAX_IN_FLIGHT);
    }

    @Test
    void anOutOfOrderBatchWaitsWhileItsPredecessorIsUnacknowledged() {
        SealedBatch first = sendBatch(1);
        SealedBatch second = sendBatch(1);
        assertThat(accumulator.waitsForPredecessor(second)).isTrue();
        accumulator.acknowledged(first);
        assertThat(accumulator.waitsForPredecessor(second))
                .as("the predecessor is in the log, so the broker lost state: a real error").isFalse();
    }

    @Test
    void requeuedBatchesGoBackInSequenceOrderBehindNothingNewer() {
        SealedBatch first = sendBatch(1);
        SealedBatch second = sendBatch(1);
        accumulator.append(1L, null, new byte[10], List.of(), null, 30, 0, sealed::add);
        accumulator.sealOpen(sealed::add); // a newer batch, queued
        accumulator.requestDone(1);
        accumulator.requestDone(1);
        accumulator.requeue(List.of(second), 0); // the second's answer came first
        accumulator.requeue(List.of(first), 0);
        SealedBatch[] retry = accumulator.drain(0, 0, true, nextWake, sealed::add);
        assertThat(retry).extracting(batch -> batch.baseSequence).containsExactly(0, 1, 2);
    }

    @Test
    void aBatchFailedForGoodRestartsTheSequenceUnderANewEpochOnceNothingIsInFlight() {
        SealedBatch lost = sendBatch(2);
        SealedBatch inFlight = sendBatch(1);
        accumulator.append(1L, null, new byte[10], List.of(), null, 30, 0, sealed::add);
        accumulator.sealOpen(sealed::add); // queued behind them, sequence 3
        accumulator.requestDone(1);
        accumulator.failedForGood(lost);
        assertThat(accumulator.drain(0, 0, true, nextWake, sealed::add))
                .as("waits for the batch still in flight").isNull();
        accumulator.requestDone(1);
        accumulator.requeue(List.of(inFlight), 0); // refused as out of order: it comes back
        SealedBatch[] renumbered = accumulator.drain(0, 0, true, nextWake, sealed::add);
        assertThat(renumbered).hasSize(2);
        assertThat(renumbered).extracting(batch -> batch.epoch).containsOnly((short) 1);
        assertThat(renumbered).extracting(batch -> batch.baseSequence).containsExactly(0, 1);
        ByteBuffer restamped = header(renumbered[0]);
        assertThat(RecordBatch.producerEpoch(restamped, 0)).isEqualTo((short) 1);
        assertThat(RecordBatch.baseSequence(restamped, 0)).isZero();
        assertThat(RecordBatch.check(restamped, 0, restamped.limit(), 1 << 20)).as("CRC recomputed").isEqualTo(BatchCheck.OK);
    }

    @Test
    void aBatchThatMayAlreadyBeAppendedIsResentAsItWasBeforeTheSequenceRestarts() {
        SealedBatch lost = sendBatch(1);
        SealedBatch unanswered = sendBatch(1);
        accumulator.requestDone(1);
        accumulator.failedForGood(lost);
        unanswered.maybeAppended = true; // the connection dropped before its answer
        accumulator.requeue(List.of(unanswered), 0);
        accumulator.requestDone(1);
        SealedBatch[] resent = accumulator.drain(0, 0, true, nextWake, sealed::add);
        assertThat(resent).containsExactly(unanswered);
        assertThat(resent[0].epoch).as("not renumbered: the broker may have it").isZero();
        assertThat(resent[0].baseSequence).isEqualTo(1);

        unanswered.maybeAppended = false; // refused for the gap: it is not in the log
        accumulator.requeue(List.of(unanswered), 0);
        accumulator.requestDone(1);
        SealedBatch[] renumbered = accumulator.drain(0, 0, true, nextWake, sealed::add);
        assertThat(renumbered).containsExactly(unanswered);
        assertThat(renumbered[0].epoch).isEqualTo((short) 1);
        assertThat(renumbered[0].baseSequence).isZero();
    }

    @Test
    void sequencesWrapToZeroPastTheLargestInt() {
        assertThat(PartitionAccumulator.nextSequence(Integer.MAX_VALUE, 1)).isZero();
        assertThat(PartitionAccumulator.nextSequence(Integer.MAX_VALUE - 1, 3)).isEqualTo(1);
        assertThat(PartitionAccumulator.nextSequence(5, 3)).isEqualTo(8);
    }
}
