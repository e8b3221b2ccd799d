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
import dev.minikafka.client.internal.PartitionSubscription.Delivery;
import dev.minikafka.client.internal.Statuses;
import dev.minikafka.client.internal.SubscriptionFetcher;
import dev.minikafka.proto.v1.ConsumerGrpc;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.PartitionData;
import dev.minikafka.protocol.BatchLayout;
import dev.minikafka.protocol.RecordBatch;
import io.grpc.ManagedChannel;
import io.grpc.Status;

/**
 * Reads records from partitions it is assigned by hand ({@link #assign}), from positions it tracks itself.
 * Each assigned, unpaused partition is read through one {@code Consumer.Subscribe} stream from its position:
 * the broker pushes batches as they are appended, a few messages ahead of the application (flow control
 * keeps it bounded), and each {@link #poll} returns what arrived since the last one. A seek or pause
 * cancels the partition's stream; the next poll opens a new one from the position. Consumer groups, with
 * broker-side assignment and committed offsets, build on this.
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
    /** Most messages one stream may have in flight; more would only hold memory, not add throughput. */
    private static final int MAX_PREFETCH = 4;
    /** How long a partition whose stream broke waits before it is reopened. */
    private static final long RETRY_BACKOFF_NANOS = 100_000_000L;

    private final ConsumerConfig config;
    private final ManagedChannel channel;
    private final MiniKafkaAdmin admin;
    private final SubscriptionFetcher fetcher;
    private final Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final Map<TopicPartition, Long> logEndOffsets = new LinkedHashMap<>();
    /** A stream's failure met after records were read in the same poll; the next poll handles it. */
    private Delivery deferred;
    private boolean closed;

    public MiniKafkaConsumer(ConsumerConfig config) {
        this.config = config;
        this.channel = Channels.open(config.bootstrap());
        this.admin = new MiniKafkaAdmin(channel, config.requestTimeoutMs());
        this.fetcher = new SubscriptionFetcher(ConsumerGrpc.newStub(channel), config.maxPartitionFetchBytes());
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
        fetcher.retainAll(kept.keySet()); // kept partitions stream on from their unchanged positions
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

    /** Records between the position and the log end, as of the last data received; -1 before any. */
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
        partitions.forEach(fetcher::close);
    }

    /** Reads these partitions again from their positions, from the next {@link #poll}. */
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
            Delivery delivery = deferred != null && fetcher.isCurrent(deferred) ? deferred : null;
            deferred = null;
            while (true) {
                long retryIn = subscribe();
                if (delivery == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return records;
                    }
                    delivery = fetcher.take(Math.min(left, retryIn));
                }
                long bytes = 0;
                while (delivery != null) {
                    if (delivery.failure() != null) {
                        if (!records.isEmpty()) {
                            deferred = delivery; // return what was read first; the failure is the next poll's
                            return records;
                        }
                        failed(delivery);
                    } else {
                        bytes += accept(delivery, records);
                    }
                    delivery = bytes < config.fetchMaxBytes() ? fetcher.poll() : null;
                }
                if (!records.isEmpty()) {
                    return records;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return records;
    }

    /**
     * Opens a stream from the position for each assigned, unpaused partition that has none, first deciding
     * unknown positions by {@code auto.offset.reset}. Returns the nanoseconds until a partition held back
     * after a failure may be reopened (so poll wakes for it), or {@code Long.MAX_VALUE}.
     */
    private long subscribe() {
        long now = System.nanoTime();
        long retryIn = Long.MAX_VALUE;
        for (Map.Entry<TopicPartition, Long> entry : positions.entrySet()) {
            TopicPartition tp = entry.getKey();
            if (paused.contains(tp) || fetcher.isOpen(tp)) {
                continue;
            }
            long backOff = fetcher.backOffLeft(tp, now);
            if (backOff > 0) {
                retryIn = Math.min(retryIn, backOff);
                continue;
            }
            if (entry.getValue() == UNKNOWN) {
                resetPositions(List.of(tp), config.autoOffsetReset());
            }
            fetcher.open(tp, positions.get(tp), prefetch());
        }
        return retryIn;
    }

    /**
     * Messages each stream may have in flight: together about {@code fetch.max.bytes}, as one fetch was,
     * but at least one per partition and at most {@link #MAX_PREFETCH}.
     */
    private int prefetch() {
        long perPartition = (long) config.fetchMaxBytes() / Math.max(1, positions.size());
        return (int) Math.max(1, Math.min(MAX_PREFETCH, perPartition / config.maxPartitionFetchBytes()));
    }

    /** Decodes one streamed message from the position and advances past it; returns its batch bytes. */
    private int accept(Delivery delivery, List<ConsumerRecord> records) {
        PartitionData data = delivery.data();
        TopicPartition tp = delivery.partition();
        long position = positions.get(tp);
        logEndOffsets.put(tp, data.getLogEndOffset());
        positions.put(tp, Math.max(position, data.getNextOffset()));
        decode(data, position, records);
        return data.getBatches().size();
    }

    /** A stream ended: reopen it later, move the position, or throw, as the failure says. */
    private void failed(Delivery delivery) {
        TopicPartition tp = delivery.partition();
        fetcher.close(tp);
        if (Status.fromThrowable(delivery.failure()).getCode() == Status.Code.OUT_OF_RANGE) {
            outOfRange(tp, positions.get(tp));
            return;
        }
        MiniKafkaException e = Statuses.toException(delivery.failure());
        if (!e.isRetriable()) {
            throw e;
        }
        log.debug("subscription to {} failed, reopening: {}", tp, e.getMessage());
        fetcher.backOff(tp, RETRY_BACKOFF_NANOS);
    }

    /**
     * The broker answers OUT_OF_RANGE both for a partition the topic lacks and for a position outside the
     * log; the offset look-up tells them apart (it throws for the former) and gives the log's bounds.
     */
    private void outOfRange(TopicPartition tp, long position) {
        long start = admin.earliestOffset(tp);
        long end = admin.latestOffset(tp);
        if (position >= start && position <= end) {
            fetcher.backOff(tp, RETRY_BACKOFF_NANOS); // the log moved meanwhile: read from the position again
            return;
        }
        switch (config.autoOffsetReset()) {
            case EARLIEST -> positions.put(tp, start);
            case LATEST -> positions.put(tp, end);
            case NONE -> throw new MiniKafkaException(ErrorCode.OFFSET_OUT_OF_RANGE, "position " + position + " of " + tp
                    + " is outside the log [" + start + ", " + end + "] and auto.offset.reset is none");
        }
        log.info("position {} of {} is outside the log [{}, {}]; reset to {}", position, tp, start, end, positions.get(tp));
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
        fetcher.close(partition); // what the old stream still delivers is never returned
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

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            fetcher.closeAll();
            deferred = null;
            Channels.close(channel);
        }
    }
}
