package dev.minikafka.client.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.minikafka.client.TopicPartition;
import dev.minikafka.protocol.Header;

/**
 * The producer's records between {@code send} and the wire: one {@link PartitionAccumulator} per partition,
 * and the set of batches sealed but not yet completed, which {@code flush} waits on.
 *
 * <p>Thread-safety: safe for any number of application threads and the one sender thread. Internal API.
 */
public final class RecordAccumulator {

    private final int batchSize;
    private final long lingerNanos;
    private final ConcurrentHashMap<TopicPartition, PartitionAccumulator> partitions = new ConcurrentHashMap<>();
    private final Set<SealedBatch> incomplete = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequences = new AtomicLong();
    private final Consumer<SealedBatch> register = incomplete::add;

    /** {@link #append} opened a new batch: the sender must keep its linger deadline. */
    public static final int OPENED_BATCH = PartitionAccumulator.OPENED_BATCH;
    /** {@link #append} sealed a full batch: the sender has something to send now. */
    public static final int SEALED_BATCH = PartitionAccumulator.SEALED_BATCH;

    public RecordAccumulator(int batchSize, long lingerNanos) {
        this.batchSize = batchSize;
        this.lingerNanos = lingerNanos;
    }

    /** Appends one record; see {@link PartitionAccumulator#append} for the returned events. */
    public int append(TopicPartition partition, long timestamp, byte[] key, byte[] value, List<Header> headers,
                          Object completion, int reservedBytes) {
        PartitionAccumulator accumulator = partitions.get(partition);
        if (accumulator == null) {
            accumulator = partitions.computeIfAbsent(partition,
                    tp -> new PartitionAccumulator(tp, batchSize, sequences::incrementAndGet));
        }
        return accumulator.append(timestamp, key, value, headers, completion, reservedBytes, System.nanoTime(), register);
    }

    /**
     * Hands every partition's ready request to {@code sink}.
     *
     * @return when something next becomes ready if nothing else happens (nanoTime), or {@code Long.MAX_VALUE}
     */
    long drain(long nowNanos, boolean force, RequestSink sink) {
        long[] nextWake = {nowNanos + 1_000_000_000L};
        for (PartitionAccumulator accumulator : partitions.values()) {
            if (!sink.canAccept()) {
                return nowNanos;
            }
            SealedBatch[] request = accumulator.drain(nowNanos, lingerNanos, force, nextWake, register);
            if (request != null) {
                sink.send(accumulator, request);
            }
        }
        return nextWake[0];
    }

    interface RequestSink {
        boolean canAccept();

        void send(PartitionAccumulator partition, SealedBatch[] batches);
    }

    PartitionAccumulator partition(TopicPartition partition) {
        return partitions.get(partition);
    }

    /** A batch was answered, failed for good, or expired. */
    void completed(SealedBatch batch) {
        incomplete.remove(batch);
    }

    /** Seals every open batch and returns futures that complete when everything sealed so far is done. */
    public List<CompletableFuture<Void>> sealAllAndSnapshot() {
        for (PartitionAccumulator accumulator : partitions.values()) {
            accumulator.sealOpen(register);
        }
        List<CompletableFuture<Void>> pending = new ArrayList<>(incomplete.size());
        for (SealedBatch batch : incomplete) {
            pending.add(batch.done());
        }
        return pending;
    }

    /** Batches still waiting in a queue (not in flight) that were created before the given time. */
    void expire(long createdBeforeNanos, Consumer<SealedBatch> expired) {
        for (PartitionAccumulator accumulator : partitions.values()) {
            accumulator.expire(createdBeforeNanos, expired);
        }
    }

    /** Takes every batch not yet sent, for a producer that gives up on them. */
    void drainAll(Consumer<SealedBatch> out) {
        for (PartitionAccumulator accumulator : partitions.values()) {
            accumulator.drainAll(out);
        }
    }

    public boolean isEmpty() {
        for (PartitionAccumulator accumulator : partitions.values()) {
            if (!accumulator.isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
