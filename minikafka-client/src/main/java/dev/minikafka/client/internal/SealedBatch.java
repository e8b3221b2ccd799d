package dev.minikafka.client.internal;

import java.util.concurrent.CompletableFuture;

import java.nio.ByteBuffer;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.RecordMetadata;
import dev.minikafka.client.SendCallback;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.protocol.BatchLayout;
import dev.minikafka.protocol.RecordBatch;

/**
 * One encoded batch, closed to new records, on its way to the broker, together with what to tell each of
 * its records' senders. Each completion is a {@link CompletableFuture}, a {@link SendCallback} or null.
 * Internal API.
 */
public final class SealedBatch {

    final TopicPartition partition;
    /** Replaced only by {@link #restamp}, on the sender thread while the batch is queued. */
    ByteString bytes;
    final int recordCount;
    final long sequence;
    final long createdNanos;
    private final Object[] completions;
    private final long[] timestamps;
    private final long reservedBytes;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    int attempts;
    long retryAtNanos;
    /** The partition this batch belongs to; idempotence bookkeeping goes through it. */
    final PartitionAccumulator owner;
    /** Idempotence: the epoch and first sequence number in the batch header; -1 sequence without. */
    short epoch;
    int baseSequence;
    /**
     * Sent, and the connection was lost before an answer: the broker may have appended it. Cleared by the
     * next answer, which is definitive. Written before the batch is re-queued (under its partition's lock).
     */
    boolean maybeAppended;

    SealedBatch(TopicPartition partition, ByteString bytes, int recordCount, long sequence, long createdNanos,
                Object[] completions, long[] timestamps, long reservedBytes, PartitionAccumulator owner, short epoch,
                int baseSequence) {
        this.owner = owner;
        this.epoch = epoch;
        this.baseSequence = baseSequence;
        this.partition = partition;
        this.bytes = bytes;
        this.recordCount = recordCount;
        this.sequence = sequence;
        this.createdNanos = createdNanos;
        this.completions = completions;
        this.timestamps = timestamps;
        this.reservedBytes = reservedBytes;
    }

    int lastSequence() {
        return PartitionAccumulator.nextSequence(baseSequence, recordCount - 1);
    }

    /** Rewrites the producer fields of the header (and so the CRC): the partition restarted its sequence. */
    void restamp(long producerId, short newEpoch, int newBaseSequence) {
        ByteBuffer copy = ByteBuffer.wrap(bytes.toByteArray());
        copy.putLong(BatchLayout.PRODUCER_ID_OFFSET, producerId);
        copy.putShort(BatchLayout.PRODUCER_EPOCH_OFFSET, newEpoch);
        copy.putInt(BatchLayout.BASE_SEQUENCE_OFFSET, newBaseSequence);
        copy.putInt(BatchLayout.CRC_OFFSET, (int) RecordBatch.computeCrc(copy, 0, copy.capacity()));
        bytes = UnsafeByteOperations.unsafeWrap(copy.array());
        epoch = newEpoch;
        baseSequence = newBaseSequence;
    }

    long reservedBytes() {
        return reservedBytes;
    }

    CompletableFuture<Void> done() {
        return done;
    }

    /** Tells every record where it landed; with a negative base offset (acks NONE) offsets are -1. */
    void succeed(long baseOffset, long logAppendTimeMs) {
        for (int i = 0; i < recordCount; i++) {
            Object completion = completions[i];
            if (completion == null) {
                continue;
            }
            long offset = baseOffset < 0 ? -1 : baseOffset + i;
            long timestamp = logAppendTimeMs > 0 ? logAppendTimeMs : timestamps[i];
            RecordMetadata metadata = new RecordMetadata(partition.topic(), partition.partition(), offset, timestamp);
            if (completion instanceof SendCallback callback) {
                runSafely(callback, metadata, null);
            } else {
                @SuppressWarnings("unchecked")
                CompletableFuture<RecordMetadata> future = (CompletableFuture<RecordMetadata>) completion;
                future.complete(metadata);
            }
        }
        done.complete(null);
    }

    void fail(MiniKafkaException error) {
        for (int i = 0; i < recordCount; i++) {
            Object completion = completions[i];
            if (completion instanceof SendCallback callback) {
                runSafely(callback, null, error);
            } else if (completion != null) {
                ((CompletableFuture<?>) completion).completeExceptionally(error);
            }
        }
        done.complete(null);
    }

    private static void runSafely(SendCallback callback, RecordMetadata metadata, Exception error) {
        try {
            callback.onCompletion(metadata, error);
        } catch (Throwable e) {
            // A failing user callback, even with an Error, must not stop the others or the producer's I/O thread
            // (which would leave its partition's requests in flight for ever); logged, as Kafka's producer does.
            org.slf4j.LoggerFactory.getLogger(SealedBatch.class).warn("send callback threw", e);
        }
    }
}
