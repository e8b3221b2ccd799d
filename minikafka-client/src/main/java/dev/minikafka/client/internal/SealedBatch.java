package dev.minikafka.client.internal;

import java.util.concurrent.CompletableFuture;

import com.google.protobuf.ByteString;

import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.RecordMetadata;
import dev.minikafka.client.SendCallback;
import dev.minikafka.client.TopicPartition;

/**
 * One encoded batch, closed to new records, on its way to the broker, together with what to tell each of
 * its records' senders. Each completion is a {@link CompletableFuture}, a {@link SendCallback} or null.
 * Internal API.
 */
public final class SealedBatch {

    final TopicPartition partition;
    final ByteString bytes;
    final int recordCount;
    final long sequence;
    final long createdNanos;
    private final Object[] completions;
    private final long[] timestamps;
    private final long reservedBytes;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    int attempts;
    long retryAtNanos;

    SealedBatch(TopicPartition partition, ByteString bytes, int recordCount, long sequence, long createdNanos,
                Object[] completions, long[] timestamps, long reservedBytes) {
        this.partition = partition;
        this.bytes = bytes;
        this.recordCount = recordCount;
        this.sequence = sequence;
        this.createdNanos = createdNanos;
        this.completions = completions;
        this.timestamps = timestamps;
        this.reservedBytes = reservedBytes;
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
        } catch (RuntimeException e) {
            // A failing user callback must not stop the others or the producer's I/O thread.
            org.slf4j.LoggerFactory.getLogger(SealedBatch.class).warn("send callback threw", e);
        }
    }
}
