package dev.minikafka.client.internal;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import com.google.protobuf.ByteString;

import dev.minikafka.client.TopicPartition;
import dev.minikafka.protocol.Header;
import dev.minikafka.protocol.RecordBatchBuilder;

/**
 * One partition's open batch, which {@code send} appends to, and the sealed batches behind it that the
 * sender has not yet sent. A batch is sealed when the next record would take it past {@code batch.size},
 * when it has lingered {@code linger.ms}, or on flush and close.
 *
 * <p>Thread-safety: every method locks this object; application threads append, the sender drains.
 * Internal API.
 */
final class PartitionAccumulator {

    /** Requests per partition sent and not yet answered; more would only queue inside the broker. */
    static final int MAX_IN_FLIGHT = 5;
    /** Sealed batches sent together in one request, up to this many bytes. */
    static final int MAX_REQUEST_BYTES = 1024 * 1024;

    static final int OPENED_BATCH = 1;
    static final int SEALED_BATCH = 2;

    private final TopicPartition partition;
    private final int batchSize;
    private final SequenceSource sequences;
    private final RecordBatchBuilder builder;
    private Object[] completions = new Object[16];
    private long[] timestamps = new long[16];
    private long openSinceNanos;
    private long openReserved;
    private final ArrayDeque<SealedBatch> sealed = new ArrayDeque<>();
    private int inFlight;

    interface SequenceSource {
        long next();
    }

    PartitionAccumulator(TopicPartition partition, int batchSize, SequenceSource sequences) {
        this.partition = partition;
        this.batchSize = batchSize;
        this.sequences = sequences;
        this.builder = new RecordBatchBuilder(Math.min(batchSize, 16 * 1024));
    }

    TopicPartition partition() {
        return partition;
    }

    /**
     * Appends one record to the open batch, sealing the batch first if the record would not fit.
     *
     * @return {@link #OPENED_BATCH} and/or {@link #SEALED_BATCH}: the sender has a new linger deadline to
     *         keep, or something to send now; 0 when neither
     */
    synchronized int append(long timestamp, byte[] key, byte[] value, List<Header> headers, Object completion,
                                int reservedBytes, long nowNanos, Consumer<SealedBatch> onSealed) {
        int events = 0;
        int count = builder.recordCount();
        if (count > 0 && builder.sizeInBytes() + reservedBytes > batchSize) {
            onSealed.accept(seal());
            events |= SEALED_BATCH;
            count = 0;
        }
        if (count == 0) {
            openSinceNanos = nowNanos;
            events |= OPENED_BATCH;
        }
        builder.append(timestamp, key, value, headers);
        if (count == completions.length) {
            completions = Arrays.copyOf(completions, count * 2);
            timestamps = Arrays.copyOf(timestamps, count * 2);
        }
        completions[count] = completion;
        timestamps[count] = timestamp;
        openReserved += reservedBytes;
        if (builder.sizeInBytes() >= batchSize) {
            onSealed.accept(seal());
            events |= SEALED_BATCH;
        }
        return events;
    }

    /**
     * Takes what is ready to send: the open batch if it has lingered long enough (or {@code force}), then
     * sealed batches whose retry time has come, up to {@link #MAX_REQUEST_BYTES}.
     *
     * @return the batches for one request, or null; {@code nextWakeNanos[0]} is lowered to when this
     *         partition next has something ready
     */
    synchronized SealedBatch[] drain(long nowNanos, long lingerNanos, boolean force, long[] nextWakeNanos,
                                     Consumer<SealedBatch> onSealed) {
        if (builder.recordCount() > 0) {
            long readyAt = openSinceNanos + lingerNanos;
            if (force || readyAt - nowNanos <= 0) {
                onSealed.accept(seal());
            } else {
                nextWakeNanos[0] = Math.min(nextWakeNanos[0], readyAt);
            }
        }
        if (sealed.isEmpty() || inFlight >= MAX_IN_FLIGHT) {
            return null;
        }
        SealedBatch first = sealed.peekFirst();
        if (first.retryAtNanos - nowNanos > 0) {
            nextWakeNanos[0] = Math.min(nextWakeNanos[0], first.retryAtNanos);
            return null;
        }
        int count = 0;
        int bytes = 0;
        for (SealedBatch batch : sealed) {
            if (count > 0 && (bytes + batch.bytes.size() > MAX_REQUEST_BYTES || batch.retryAtNanos - nowNanos > 0)) {
                break;
            }
            bytes += batch.bytes.size();
            count++;
        }
        SealedBatch[] request = new SealedBatch[count];
        for (int i = 0; i < count; i++) {
            request[i] = sealed.pollFirst();
        }
        inFlight++;
        return request;
    }

    /** The broker answered (or the stream failed) for one request of this partition. */
    synchronized void requestDone() {
        inFlight--;
    }

    /** Puts failed batches back at the front, oldest first, so a retry keeps the partition's order. */
    synchronized void requeue(List<SealedBatch> batches, long retryAtNanos) {
        for (int i = batches.size() - 1; i >= 0; i--) {
            SealedBatch batch = batches.get(i);
            batch.attempts++;
            batch.retryAtNanos = retryAtNanos;
            sealed.addFirst(batch);
        }
    }

    /**
     * Removes queued batches (the open one included: with no connection it is never sealed by a drain)
     * created before {@code createdBeforeNanos}, for the delivery timeout.
     */
    synchronized void expire(long createdBeforeNanos, Consumer<SealedBatch> expired) {
        if (builder.recordCount() > 0 && openSinceNanos - createdBeforeNanos < 0) {
            seal();
        }
        while (!sealed.isEmpty() && sealed.peekFirst().createdNanos - createdBeforeNanos < 0) {
            expired.accept(sealed.pollFirst());
        }
    }

    synchronized boolean isEmpty() {
        return builder.recordCount() == 0 && sealed.isEmpty() && inFlight == 0;
    }

    /** Seals whatever is open and hands over every queued batch, for a producer closing without waiting. */
    synchronized void drainAll(Consumer<SealedBatch> out) {
        if (builder.recordCount() > 0) {
            seal();
        }
        while (!sealed.isEmpty()) {
            out.accept(sealed.pollFirst());
        }
    }

    /** Seals the open batch if it has records; registers it through {@code onSealed}. */
    synchronized void sealOpen(Consumer<SealedBatch> onSealed) {
        if (builder.recordCount() > 0) {
            onSealed.accept(seal());
        }
    }

    private SealedBatch seal() {
        int count = builder.recordCount();
        ByteString bytes = ByteString.copyFrom(builder.build());
        SealedBatch batch = new SealedBatch(partition, bytes, count, sequences.next(), openSinceNanos,
                Arrays.copyOf(completions, count), Arrays.copyOf(timestamps, count), openReserved);
        Arrays.fill(completions, 0, count, null);
        builder.reset();
        openReserved = 0;
        sealed.addLast(batch);
        return batch;
    }
}
