package dev.minikafka.client;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.minikafka.client.internal.Channels;
import dev.minikafka.client.internal.PipelinedFetch;
import dev.minikafka.proto.v1.ConsumerGrpc;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.FetchResponse;
import dev.minikafka.proto.v1.PartitionData;
import dev.minikafka.protocol.BatchLayout;
import dev.minikafka.protocol.RecordBatch;
import io.grpc.ManagedChannel;

/**
 * Reads records from partitions it is assigned by hand ({@link #assign}), from positions it tracks itself.
 * Each {@link #poll} returns the records fetched since the last one; a fetch for the next positions is
 * already on its way while the application handles them. Consumer groups, with broker-side assignment and
 * committed offsets, build on this.
 *
 * <p>Thread-safety: not thread-safe, like Kafka's consumer; use one per thread.
 *
 * <pre>{@code
 * try (var consumer = new MiniKafkaConsumer(ConsumerConfig.builder("127.0.0.1:9092").build())) {
 *     consumer.assign(List.of(new TopicPartition("payments", 0)));
 *     consumer.seekToBeginning(consumer.assignment());
 *     for (ConsumerRecord r : consumer.poll(Duration.ofSeconds(1))) { ... }
 * }
 * }</pre>
 */
public final class MiniKafkaConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MiniKafkaConsumer.class);
    /** Position of a partition whose start is decided by {@code auto.offset.reset} on the next poll. */
    private static final long UNKNOWN = -1;

    private final ConsumerConfig config;
    private final ManagedChannel channel;
    private final MiniKafkaAdmin admin;
    private final PipelinedFetch fetch;
    private final Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final Map<TopicPartition, Long> logEndOffsets = new LinkedHashMap<>();
    private boolean closed;

    public MiniKafkaConsumer(ConsumerConfig config) {
        this.config = config;
        this.channel = Channels.open(config.bootstrap());
        this.admin = new MiniKafkaAdmin(channel, config.requestTimeoutMs());
        this.fetch = new PipelinedFetch(ConsumerGrpc.newStub(channel), config.fetchMaxBytes(),
                config.maxPartitionFetchBytes(), config.fetchMinBytes(), config.requestTimeoutMs());
    }

    /**
     * Reads exactly these partitions from now on, replacing the previous assignment. Partitions kept keep
     * their positions; new ones start where {@code auto.offset.reset} says, unless sought first.
     */
    public void assign(Collection<TopicPartition> partitions) {
        ensureOpen();
        Map<TopicPartition, Long> kept = new LinkedHashMap<>();
        for (TopicPartition partition : partitions) {
            kept.put(partition, positions.getOrDefault(partition, UNKNOWN));
        }
        positions.clear();
        positions.putAll(kept);
        paused.retainAll(kept.keySet());
        logEndOffsets.keySet().retainAll(kept.keySet());
        fetch.abandon();
    }

    public Set<TopicPartition> assignment() {
        return Set.copyOf(positions.keySet());
    }

    /** The offset of the next record {@link #poll} returns from this partition. */
    public long position(TopicPartition partition) {
        Long position = assigned(partition);
        if (position == UNKNOWN) {
            resetPositions(List.of(partition), config.autoOffsetReset());
            position = positions.get(partition);
        }
        return position;
    }

    /** Records between the position and the log end, as of the last fetch; -1 before any fetch. */
    public long lag(TopicPartition partition) {
        Long end = logEndOffsets.get(partition);
        long position = assigned(partition);
        return end == null || position == UNKNOWN ? -1 : Math.max(0, end - position);
    }

    /** The next poll reads this partition from {@code offset}; out-of-range offsets follow {@code auto.offset.reset}. */
    public void seek(TopicPartition partition, long offset) {
        assigned(partition);
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        moveTo(partition, offset);
    }

    public void seekToBeginning(Collection<TopicPartition> partitions) {
        resetPositions(partitions, OffsetReset.EARLIEST);
    }

    public void seekToEnd(Collection<TopicPartition> partitions) {
        resetPositions(partitions, OffsetReset.LATEST);
    }

    /**
     * Moves each partition to its first record with a timestamp at or after {@code timestampMs}, or to the
     * log end if none is that new: replay from a point in time.
     */
    public void seekToTimestamp(Collection<TopicPartition> partitions, long timestampMs) {
        for (TopicPartition partition : partitions) {
            assigned(partition);
            long offset = admin.offsetForTimestamp(partition, timestampMs);
            moveTo(partition, offset >= 0 ? offset : admin.latestOffset(partition));
        }
    }

    /** Stops returning records from these partitions (their positions are kept) until {@link #resume}. */
    public void pause(Collection<TopicPartition> partitions) {
        partitions.forEach(this::assigned);
        paused.addAll(partitions);
        fetch.abandon();
    }

    public void resume(Collection<TopicPartition> partitions) {
        paused.removeAll(partitions);
    }

    public Set<TopicPartition> paused() {
        return Set.copyOf(paused);
    }

    /**
     * Returns the records available from the current positions, waiting up to {@code timeout} for some to
     * arrive, and advances the positions past them. Returns an empty list when none came in time.
     *
     * @throws MiniKafkaException for a partition that no longer exists, or a position outside the log
     *                            with {@code auto.offset.reset=none}; retriable failures are retried
     *                            within the timeout
     */
    public List<ConsumerRecord> poll(Duration timeout) {
        ensureOpen();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord> records = new ArrayList<>();
        try {
            while (records.isEmpty()) {
                long leftMs = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
                if (!fetch.isInFlight() && !sendFetch((int) Math.min(leftMs, config.fetchMaxWaitMs()))) {
                    sleepQuietly(leftMs);
                    return records;
                }
                FetchResponse response = awaitFetch(leftMs);
                if (response != null) {
                    List<Fetched> fresh = accept(response);
                    sendFetch(config.fetchMaxWaitMs()); // pipelined: the broker reads on while we decode
                    for (Fetched fetched : fresh) {
                        decode(fetched.data(), fetched.from(), records);
                    }
                }
                if (System.nanoTime() - deadline >= 0) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return records;
    }

    private FetchResponse awaitFetch(long leftMs) throws InterruptedException {
        try {
            return fetch.await(leftMs);
        } catch (MiniKafkaException e) {
            if (!e.isRetriable()) {
                throw e;
            }
            log.debug("fetch failed, retrying: {}", e.getMessage());
            Thread.sleep(Math.min(leftMs, 100));
            return null;
        }
    }

    /** Sends a fetch for every assigned, unpaused partition; false if there is none. */
    private boolean sendFetch(int maxWaitMs) {
        Map<TopicPartition, Long> wanted = new LinkedHashMap<>();
        List<TopicPartition> unknown = new ArrayList<>();
        positions.forEach((tp, offset) -> {
            if (!paused.contains(tp)) {
                if (offset == UNKNOWN) {
                    unknown.add(tp);
                } else {
                    wanted.put(tp, offset);
                }
            }
        });
        if (!unknown.isEmpty()) {
            resetPositions(unknown, config.autoOffsetReset());
            unknown.forEach(tp -> wanted.put(tp, positions.get(tp)));
        }
        if (wanted.isEmpty()) {
            return false;
        }
        fetch.send(wanted, maxWaitMs);
        return true;
    }

    /** One partition's data in a fetch answer, and the offset it was fetched from. */
    private record Fetched(PartitionData data, long from) {
    }

    /** Applies an answer to the positions; returns the partitions whose data is current. */
    private List<Fetched> accept(FetchResponse response) {
        List<Fetched> current = new ArrayList<>(response.getPartitionsCount());
        for (PartitionData data : response.getPartitionsList()) {
            TopicPartition tp = new TopicPartition(data.getTopic(), data.getPartition());
            Long position = positions.get(tp);
            Long askedFrom = fetch.fetchedFrom(tp);
            if (position == null || paused.contains(tp) || askedFrom == null || !askedFrom.equals(position)) {
                continue; // unassigned, paused or sought since the fetch was sent
            }
            logEndOffsets.put(tp, data.getLogEndOffset());
            switch (data.getErrorCode()) {
                case NONE -> {
                    positions.put(tp, Math.max(position, data.getNextOffset()));
                    if (!data.getBatches().isEmpty()) {
                        current.add(new Fetched(data, position));
                    }
                }
                case OFFSET_OUT_OF_RANGE -> outOfRange(tp, position, data);
                case STORAGE_ERROR, BROKER_UNAVAILABLE -> log.warn("fetch of {} failed, retrying: {}", tp, data.getErrorMessage());
                default -> throw new MiniKafkaException(data.getErrorCode(), data.getErrorMessage());
            }
        }
        return current;
    }

    private void outOfRange(TopicPartition tp, long position, PartitionData data) {
        switch (config.autoOffsetReset()) {
            case EARLIEST -> positions.put(tp, data.getLogStartOffset());
            case LATEST -> positions.put(tp, data.getLogEndOffset());
            case NONE -> throw new MiniKafkaException(ErrorCode.OFFSET_OUT_OF_RANGE, "position " + position + " of " + tp
                    + " is outside the log [" + data.getLogStartOffset() + ", " + data.getLogEndOffset()
                    + "] and auto.offset.reset is none");
        }
        log.info("position {} of {} is outside the log [{}, {}]; reset to {}", position, tp,
                data.getLogStartOffset(), data.getLogEndOffset(), positions.get(tp));
    }

    /** Decodes one partition's batches; records below {@code from} (earlier in the first batch) are skipped. */
    private static void decode(PartitionData data, long from, List<ConsumerRecord> out) {
        String topic = data.getTopic();
        int partition = data.getPartition();
        ByteBuffer batches = data.getBatches().asReadOnlyByteBuffer();
        int pos = batches.position();
        int limit = batches.limit();
        RecordBatch.RecordVisitor visitor = (offset, timestamp, key, value, headers) ->
                out.add(new ConsumerRecord(topic, partition, offset, timestamp, key, value, headers));
        while (limit - pos >= BatchLayout.HEADER_SIZE) {
            int size = RecordBatch.sizeInBytes(batches, pos);
            if (size < BatchLayout.HEADER_SIZE || size > limit - pos) {
                break;
            }
            RecordBatch.decode(batches, pos, from, visitor);
            pos += size;
        }
    }

    private void resetPositions(Collection<TopicPartition> partitions, OffsetReset reset) {
        for (TopicPartition partition : partitions) {
            long position = assigned(partition);
            long offset = switch (reset) {
                case EARLIEST -> admin.earliestOffset(partition);
                case LATEST -> admin.latestOffset(partition);
                case NONE -> throw new MiniKafkaException(ErrorCode.OFFSET_OUT_OF_RANGE,
                        "no position for " + partition + " and auto.offset.reset is none; seek first");
            };
            if (offset != position) {
                moveTo(partition, offset);
            }
        }
    }

    private void moveTo(TopicPartition partition, long offset) {
        positions.put(partition, offset);
        if (fetch.fetchedFrom(partition) != null) {
            fetch.abandon();
        }
    }

    private long assigned(TopicPartition partition) {
        Long position = positions.get(partition);
        if (position == null) {
            throw new IllegalStateException(partition + " is not assigned to this consumer; assigned: " + positions.keySet());
        }
        return position;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the consumer is closed");
        }
    }

    private static void sleepQuietly(long millis) throws InterruptedException {
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            fetch.abandon();
            Channels.close(channel);
        }
    }
}
