package dev.minikafka.client.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.ErrorCode;
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
    /** Each topic's accumulators by partition number: one map lookup and an array index per record. */
    private final ConcurrentHashMap<String, PartitionAccumulator[]> byTopic = new ConcurrentHashMap<>();
    /** Every accumulator, for the sender's sweeps; written rarely (a partition's first record). */
    private final CopyOnWriteArrayList<PartitionAccumulator> partitions = new CopyOnWriteArrayList<>();
    private final Set<SealedBatch> incomplete = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequences = new AtomicLong();
    private final Consumer<SealedBatch> register = incomplete::add;
    /** Batches taken under a partition's lock, completed after it is released. Sender thread only. */
    private final ArrayList<SealedBatch> taken = new ArrayList<>();
    private final Consumer<SealedBatch> collect = taken::add;
    private final ProducerIdentity identity;
    private final Consumer<String> topicChanged;
    /** Written under this object's lock, as partitions are created: a partition created later starts closed. */
    private boolean closed;

    /** {@link #append} opened a new batch: the sender must keep its linger deadline. */
    public static final int OPENED_BATCH = PartitionAccumulator.OPENED_BATCH;
    /** {@link #append} sealed a full batch: the sender has something to send now. */
    public static final int SEALED_BATCH = PartitionAccumulator.SEALED_BATCH;
    /** {@link #append} refused the record: the accumulator is closed. */
    public static final int CLOSED = PartitionAccumulator.CLOSED;

    /** No topic has more partitions than this (the broker's own limit is lower), so arrays stay small. */
    static final int MAX_PARTITION = 100_000;

    public RecordAccumulator(int batchSize, long lingerNanos) {
        this(batchSize, lingerNanos, null);
    }

    /** @param identity the producer id to stamp batches with; null (or one without idempotence) for none */
    public RecordAccumulator(int batchSize, long lingerNanos, ProducerIdentity identity) {
        this(batchSize, lingerNanos, identity, topic -> { });
    }

    /**
     * @param topicChanged told the name of a topic whose partitions a produce answer said do not exist (the
     *                     topic was deleted, perhaps re-created): cached metadata about it is stale
     */
    public RecordAccumulator(int batchSize, long lingerNanos, ProducerIdentity identity,
                             Consumer<String> topicChanged) {
        this.identity = identity;
        this.topicChanged = topicChanged;
        this.batchSize = batchSize;
        this.lingerNanos = lingerNanos;
    }

    /** Appends one record; see {@link PartitionAccumulator#append} for the returned events. */
    public int append(String topic, int partition, long timestamp, byte[] key, byte[] value, List<Header> headers,
                      Object completion, int reservedBytes) {
        PartitionAccumulator[] accumulators = byTopic.get(topic);
        PartitionAccumulator accumulator = accumulators != null && partition < accumulators.length
                ? accumulators[partition] : null;
        if (accumulator == null) {
            accumulator = create(topic, partition);
        }
        return accumulator.append(timestamp, key, value, headers, completion, reservedBytes, System.nanoTime(), register);
    }

    private synchronized PartitionAccumulator create(String topic, int partition) {
        if (partition >= MAX_PARTITION) {
            throw new MiniKafkaException(ErrorCode.PARTITION_OUT_OF_RANGE, "partition " + partition + " of topic '"
                    + topic + "' is beyond any partition a MiniKafka topic can have (at most " + MAX_PARTITION + ")");
        }
        PartitionAccumulator[] current = byTopic.getOrDefault(topic, new PartitionAccumulator[0]);
        if (partition < current.length && current[partition] != null) {
            return current[partition];
        }
        PartitionAccumulator[] grown = Arrays.copyOf(current, Math.max(current.length, partition + 1));
        PartitionAccumulator created = new PartitionAccumulator(new TopicPartition(topic, partition), batchSize,
                sequences::incrementAndGet, identity);
        if (closed) {
            created.close();
        }
        grown[partition] = created;
        partitions.add(created);
        byTopic.put(topic, grown); // published whole: readers see the old array or the new, never a half-filled one
        return created;
    }

    /**
     * Hands every partition's ready request to {@code sink}.
     *
     * @return when something next becomes ready if nothing else happens (nanoTime), or {@code Long.MAX_VALUE}
     */
    long drain(long nowNanos, boolean force, RequestSink sink) {
        long[] nextWake = {nowNanos + 1_000_000_000L};
        boolean canAccept = sink.canAccept();
        for (PartitionAccumulator accumulator : partitions) {
            if (!canAccept) {
                return Long.MAX_VALUE; // not a spin: the stream's on-ready handler wakes the sender
            }
            SealedBatch[] request = accumulator.drain(nowNanos, lingerNanos, force, nextWake, register);
            if (request != null) {
                sink.send(accumulator, request);
                canAccept = sink.canAccept();
            }
        }
        return nextWake[0];
    }

    interface RequestSink {
        boolean canAccept();

        void send(PartitionAccumulator partition, SealedBatch[] batches);
    }

    /** The broker answered that a partition of {@code topic} does not exist. */
    void topicChanged(String topic) {
        topicChanged.accept(topic);
    }

    /** A batch was answered, failed for good, or expired. */
    void completed(SealedBatch batch) {
        incomplete.remove(batch);
    }

    /** Seals every open batch and returns futures that complete when everything sealed so far is done. */
    public List<CompletableFuture<Void>> sealAllAndSnapshot() {
        for (PartitionAccumulator accumulator : partitions) {
            accumulator.sealOpen(register);
        }
        List<CompletableFuture<Void>> pending = new ArrayList<>(incomplete.size());
        for (SealedBatch batch : incomplete) {
            pending.add(batch.done());
        }
        return pending;
    }

    /**
     * Batches still waiting in a queue (not in flight) that were created before the given time. Handed to
     * {@code expired} after each partition's lock is released: it runs user callbacks, which may take an
     * application lock that a thread blocked in {@code send} to the same partition holds.
     */
    void expire(long createdBeforeNanos, Consumer<SealedBatch> expired) {
        for (PartitionAccumulator accumulator : partitions) {
            accumulator.expire(createdBeforeNanos, collect);
        }
        handOver(expired);
    }

    /** Refuses every later append ({@link #CLOSED}); the sender then takes what is left with {@link #drainAll}. */
    synchronized void close() {
        closed = true;
        for (PartitionAccumulator accumulator : partitions) {
            accumulator.close();
        }
    }

    /** Takes every batch not yet sent, for a producer that gives up on them; {@code out} runs outside the locks. */
    void drainAll(Consumer<SealedBatch> out) {
        for (PartitionAccumulator accumulator : partitions) {
            accumulator.drainAll(collect);
        }
        handOver(out);
    }

    private void handOver(Consumer<SealedBatch> out) {
        try {
            for (SealedBatch batch : taken) {
                out.accept(batch);
            }
        } finally {
            taken.clear();
        }
    }

    public boolean isEmpty() {
        for (PartitionAccumulator accumulator : partitions) {
            if (!accumulator.isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
