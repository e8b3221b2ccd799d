package dev.minikafka.client.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

import com.google.protobuf.ByteString;

import dev.minikafka.client.TopicPartition;
import dev.minikafka.protocol.Header;
import dev.minikafka.protocol.RecordBatchBuilder;

/**
 * One partition's open batch, which {@code send} appends to, and the sealed batches behind it that the
 * sender has not yet sent. A batch is sealed when the next record would take it past {@code batch.size},
 * when it has lingered {@code linger.ms} and a request may be sent (fewer than {@value #MAX_IN_FLIGHT} in
 * flight), or on flush and close.
 *
 * <p>Idempotence: a batch is stamped with the producer id, this partition's epoch and its next sequence
 * number when it is sealed, and keeps them through retries, so the broker recognises a resent batch. At
 * most {@value #MAX_IN_FLIGHT} batches are in flight, the window the broker remembers per producer. When a
 * batch fails for good the sequence has a hole the broker will never fill: the partition then waits until
 * nothing is in flight, resends as they are the queued batches whose earlier send went unanswered (the
 * broker may have them), then raises its epoch and renumbers the batches still queued from 0 (the broker
 * starts a new epoch at 0), so they are not refused for the gap.
 *
 * <p>Thread-safety: every method locks this object; application threads append, the sender drains.
 * Internal API.
 */
final class PartitionAccumulator {

    /**
     * Requests per partition sent and not yet answered; more would only queue inside the broker. With
     * idempotence, batches: the broker remembers a producer's last five batches per partition.
     */
    static final int MAX_IN_FLIGHT = 5;
    /** Sealed batches sent together in one request, up to this many bytes. */
    static final int MAX_REQUEST_BYTES = 1024 * 1024;

    static final int OPENED_BATCH = 1;
    static final int SEALED_BATCH = 2;
    /** The producer is closed: the record was not appended. */
    static final int CLOSED = 4;

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
    /** Null without idempotence: batches are then built without producer id and sequence. */
    private final ProducerIdentity identity;
    private int inFlightBatches;
    private short epoch;
    private int nextSequence;
    /** The last sequence of the newest acknowledged batch of this epoch; -1 when none. */
    private int lastAckedSequence = -1;
    /** A batch failed for good: restart the sequence under a new epoch once nothing is in flight. */
    private boolean restartPending;
    /** Batches sealed before the producer id was known, at the tail of the queue: stamped on first drain. */
    private int unstamped;
    /** Set under this lock by {@link #close}: appends are refused from then on. */
    private boolean closed;

    interface SequenceSource {
        long next();
    }

    PartitionAccumulator(TopicPartition partition, int batchSize, SequenceSource sequences) {
        this(partition, batchSize, sequences, null);
    }

    PartitionAccumulator(TopicPartition partition, int batchSize, SequenceSource sequences, ProducerIdentity identity) {
        this.identity = identity != null && identity.idempotent() ? identity : null;
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
     *         keep, or something to send now; 0 when neither; {@link #CLOSED} alone when the record was
     *         refused because the producer is closed
     */
    synchronized int append(long timestamp, byte[] key, byte[] value, List<Header> headers, Object completion,
                                int reservedBytes, long nowNanos, Consumer<SealedBatch> onSealed) {
        if (closed) {
            return CLOSED;
        }
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
     * Takes what is ready to send: the open batch if it has lingered long enough and a request may be sent (or
     * {@code force}), then sealed batches whose retry time has come, up to {@link #MAX_REQUEST_BYTES}.
     *
     * @return the batches for one request, or null; {@code nextWakeNanos[0]} is lowered to when this
     *         partition next has something ready
     */
    synchronized SealedBatch[] drain(long nowNanos, long lingerNanos, boolean force, long[] nextWakeNanos,
                                     Consumer<SealedBatch> onSealed) {
        boolean slotFree = inFlight < MAX_IN_FLIGHT && (identity == null || inFlightBatches < MAX_IN_FLIGHT);
        if (builder.recordCount() > 0) {
            long readyAt = openSinceNanos + lingerNanos;
            if (force || readyAt - nowNanos <= 0 && slotFree) {
                onSealed.accept(seal());
            } else if (slotFree) {
                nextWakeNanos[0] = Math.min(nextWakeNanos[0], readyAt);
            }
            // With every slot taken, the open batch stays open and takes the records that come meanwhile (up to
            // batch.size), as Kafka's accumulator does: sealed at linger, each would be a batch of its own, one
            // sent per answer (idempotence allows five batches in flight), and a hiccup of the broker would leave
            // a queue of one-record batches that drains no faster than records arrive. An answer wakes the sender.
        }
        if (sealed.isEmpty() || !slotFree) {
            return null;
        }
        int maxBatches = identity != null ? MAX_IN_FLIGHT - inFlightBatches : Integer.MAX_VALUE;
        if (restartPending) {
            if (inFlightBatches > 0) {
                return null; // they may still be appended (or come back to be renumbered)
            }
            int unresolved = 0;
            for (SealedBatch batch : sealed) {
                if (!batch.maybeAppended || unresolved == maxBatches) {
                    break;
                }
                unresolved++;
            }
            if (unresolved > 0) {
                // Resent as they were: a duplicate is answered as such, anything else is refused for the gap.
                // Renumbered unanswered, a batch already in the log would be written a second time.
                maxBatches = unresolved;
            } else {
                restartSequence();
            }
        } else if (unstamped > 0) {
            if (identity.producerId() < 0) {
                return null;
            }
            stampUnstamped();
        }
        SealedBatch first = sealed.peekFirst();
        if (first.retryAtNanos - nowNanos > 0) {
            nextWakeNanos[0] = Math.min(nextWakeNanos[0], first.retryAtNanos);
            return null;
        }
        int count = 0;
        int bytes = 0;
        for (SealedBatch batch : sealed) {
            if (count > 0 && (bytes + batch.bytes.size() > MAX_REQUEST_BYTES || batch.retryAtNanos - nowNanos > 0
                    || count == maxBatches)) {
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
        inFlightBatches += count;
        return request;
    }

    /** The broker answered (or the stream failed) for one request of this partition, of {@code batches}. */
    synchronized void requestDone(int batches) {
        inFlight--;
        inFlightBatches -= batches;
    }

    /**
     * Puts failed batches back in the queue in the order they were sealed (before anything sealed later),
     * so a retry keeps the partition's order and, with idempotence, its sequence order.
     */
    synchronized void requeue(List<SealedBatch> batches, long retryAtNanos) {
        for (SealedBatch batch : batches) {
            batch.attempts++;
            batch.retryAtNanos = retryAtNanos;
        }
        if (sealed.isEmpty() || batches.getLast().sequence < sealed.peekFirst().sequence) {
            for (int i = batches.size() - 1; i >= 0; i--) {
                sealed.addFirst(batches.get(i));
            }
            return;
        }
        List<SealedBatch> merged = new ArrayList<>(sealed);
        merged.addAll(batches);
        merged.sort(Comparator.comparingLong(batch -> batch.sequence));
        sealed.clear();
        sealed.addAll(merged);
    }

    /** The broker acknowledged {@code batch}; its successor is the next the broker expects. */
    synchronized void acknowledged(SealedBatch batch) {
        if (identity != null && batch.epoch == epoch) {
            lastAckedSequence = batch.lastSequence();
        }
    }

    /**
     * The broker refused {@code batch} as out of order: is that because a batch before it is not in the log
     * yet (it is being retried, or failed for good and the sequence will restart)? Then the batch itself is
     * fine and goes back in the queue. If its predecessor was acknowledged, the broker's state disagrees
     * with ours (it lost acknowledged {@code LEADER} writes in a crash): the batch fails.
     */
    synchronized boolean waitsForPredecessor(SealedBatch batch) {
        return identity != null && (batch.epoch != epoch || restartPending
                || batch.baseSequence != nextSequence(lastAckedSequence, 1));
    }

    /** {@code batch} failed for good: its sequence number will never be in the log. */
    synchronized void failedForGood(SealedBatch batch) {
        if (identity != null && batch.epoch == epoch && batch.baseSequence >= 0) {
            restartPending = true;
        }
    }

    /** A new epoch; the queued batches are renumbered from 0 in their order. Nothing is in flight. */
    private void restartSequence() {
        restartPending = false;
        unstamped = 0;
        epoch = (short) ((epoch + 1) & Short.MAX_VALUE);
        lastAckedSequence = -1;
        nextSequence = 0;
        long producerId = identity.producerId();
        for (SealedBatch batch : sealed) {
            batch.restamp(producerId, epoch, nextSequence);
            nextSequence = nextSequence(nextSequence, batch.recordCount);
        }
    }

    /** Gives the batches sealed before the producer id was known their sequence numbers, in order. */
    private void stampUnstamped() {
        unstamped = 0;
        long producerId = identity.producerId();
        for (SealedBatch batch : sealed) {
            if (batch.baseSequence < 0) {
                batch.restamp(producerId, epoch, nextSequence);
                nextSequence = nextSequence(nextSequence, batch.recordCount);
            }
        }
    }

    /** {@code sequence + increment}, wrapping past {@code Integer.MAX_VALUE} to 0 as the broker does. */
    static int nextSequence(int sequence, int increment) {
        return sequence > Integer.MAX_VALUE - increment ? increment - (Integer.MAX_VALUE - sequence) - 1
                : sequence + increment;
    }

    /**
     * Removes queued batches (the open one included: with no connection it is never sealed by a drain)
     * created before {@code createdBeforeNanos}, for the delivery timeout. {@code expired} runs under this
     * lock: it must only collect the batches, not complete them (that runs user callbacks).
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

    /**
     * Refuses every later append. The sender calls it when it stops, then takes what is left with
     * {@link #drainAll}: a record that passed {@code send}'s closed check just before is failed, never lost.
     */
    synchronized void close() {
        closed = true;
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
        int baseSequence = -1;
        ByteBuffer built;
        long producerId = identity == null ? -1 : identity.producerId();
        if (producerId >= 0 && unstamped == 0) {
            baseSequence = nextSequence;
            built = builder.build(producerId, epoch, baseSequence);
            nextSequence = nextSequence(nextSequence, count);
        } else {
            if (identity != null) {
                unstamped++; // stamped by the first drain once the id is known, after those before it
            }
            built = builder.build();
        }
        SealedBatch batch = new SealedBatch(partition, ByteString.copyFrom(built), count, sequences.next(), openSinceNanos,
                Arrays.copyOf(completions, count), Arrays.copyOf(timestamps, count), openReserved, this, epoch,
                baseSequence);
        Arrays.fill(completions, 0, count, null);
        builder.reset();
        openReserved = 0;
        sealed.addLast(batch);
        return batch;
    }
}
