package dev.minikafka.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.minikafka.client.TopicPartition;

class PartitionAccumulatorTest {

    private final AtomicLong sequences = new AtomicLong();
    private final List<SealedBatch> sealed = new ArrayList<>();
    private final PartitionAccumulator accumulator =
            new PartitionAccumulator(new TopicPartition("t", 0), 1024, sequences::incrementAndGet);

    private int append(long nowNanos) {
        return accumulator.append(1L, null, new byte[100], List.of(), null, 120, nowNanos, sealed::add);
    }

    @Test
    void sealsABatchWhenTheNextRecordWouldPassBatchSize() {
        assertThat(append(0)).isEqualTo(PartitionAccumulator.OPENED_BATCH);
        int events = 0;
        for (int i = 0; i < 20 && sealed.isEmpty(); i++) {
            events = append(0);
        }
        assertThat(sealed).hasSize(1);
        assertThat(events & PartitionAccumulator.SEALED_BATCH).isNotZero();
        assertThat(sealed.get(0).bytes.size()).isLessThanOrEqualTo(1024);
        assertThat(sealed.get(0).recordCount).isBetween(7, 9);
    }

    @Test
    void drainsTheOpenBatchOnlyOnceItHasLingered() {
        append(1_000);
        long[] nextWake = {Long.MAX_VALUE};
        assertThat(accumulator.drain(1_000 + 4_000, 5_000, false, nextWake, sealed::add)).isNull();
        assertThat(nextWake[0]).isEqualTo(6_000);
        SealedBatch[] request = accumulator.drain(6_000, 5_000, false, nextWake, sealed::add);
        assertThat(request).hasSize(1);
        assertThat(request[0].recordCount).isEqualTo(1);
    }

    @Test
    void limitsRequestsInFlightPerPartition() {
        long[] nextWake = {Long.MAX_VALUE};
        for (int i = 0; i < PartitionAccumulator.MAX_IN_FLIGHT; i++) {
            append(0);
            assertThat(accumulator.drain(0, 0, true, nextWake, sealed::add)).isNotNull();
        }
        append(0);
        assertThat(accumulator.drain(0, 0, true, nextWake, sealed::add)).as("a sixth request waits").isNull();
        accumulator.requestDone(1);
        assertThat(accumulator.drain(0, 0, true, nextWake, sealed::add)).isNotNull();
    }

    @Test
    void theOpenBatchKeepsTakingRecordsWhileNoRequestMayBeSent() {
        long[] nextWake = {Long.MAX_VALUE};
        for (int i = 0; i < PartitionAccumulator.MAX_IN_FLIGHT; i++) {
            append(0);
            assertThat(accumulator.drain(0, 0, false, nextWake, sealed::add)).isNotNull();
        }
        for (int i = 1; i <= 2; i++) {
            append(i * 1_000);
            assertThat(accumulator.drain(i * 1_000, 0, false, nextWake, sealed::add)).isNull();
        }
        accumulator.requestDone(1);
        SealedBatch[] request = accumulator.drain(2_000, 0, false, nextWake, sealed::add);
        assertThat(request).as("one batch, not one per record").hasSize(1);
        assertThat(request[0].recordCount).isEqualTo(2);
    }

    @Test
    void requeuedBatchesGoFirstInTheirOriginalOrder() {
        long[] nextWake = {Long.MAX_VALUE};
        append(0);
        SealedBatch[] a = accumulator.drain(0, 0, true, nextWake, sealed::add);
        append(0);
        SealedBatch[] b = accumulator.drain(0, 0, true, nextWake, sealed::add);
        append(0); // a newer batch, still queued
        accumulator.requestDone(1);
        accumulator.requestDone(1);
        accumulator.requeue(List.of(a[0], b[0]), 100);
        assertThat(accumulator.drain(50, 0, true, nextWake, sealed::add)).as("not before the back-off").isNull();
        SealedBatch[] retry = accumulator.drain(100, 0, true, nextWake, sealed::add);
        assertThat(retry).extracting(batch -> batch.sequence)
                .containsExactly(a[0].sequence, b[0].sequence, a[0].sequence + 2);
        assertThat(retry[0].attempts).isEqualTo(1);
    }

    @Test
    void expiresQueuedAndOpenBatchesPastTheDeliveryTimeout() {
        append(0);
        long[] nextWake = {Long.MAX_VALUE};
        accumulator.drain(0, 0, true, nextWake, sealed::add); // in flight: not expired from here
        append(10);
        List<SealedBatch> expired = new ArrayList<>();
        accumulator.expire(5, expired::add);
        assertThat(expired).isEmpty();
        accumulator.expire(11, expired::add);
        assertThat(expired).hasSize(1);
        assertThat(expired.get(0).createdNanos).isEqualTo(10);
    }
}
