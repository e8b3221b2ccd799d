package dev.minikafka.broker.rest;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

import dev.minikafka.broker.log.AppendCallback;
import dev.minikafka.broker.log.PartitionWriter;
import dev.minikafka.broker.metrics.BrokerMetrics;

/**
 * One HTTP produce request's batch for one partition, on its way through the partition's writer as a gRPC
 * produce's batch goes: offered, retried when the writer signals room, acknowledged by the writer's
 * callback. {@link #done} completes on a writer (or flusher) thread.
 */
final class PartitionAppend implements AppendCallback, Runnable {

    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final String topic;
    private final int partition;
    private final ByteBuffer batch;
    private final PartitionWriter writer;
    private final boolean durable;
    private final BrokerMetrics metrics;
    private final long arrivalNanos;
    private volatile long baseOffset = -1;
    private volatile long logAppendTimeMs = -1;

    PartitionAppend(String topic, int partition, ByteBuffer batch, PartitionWriter writer, boolean durable,
            BrokerMetrics metrics, long arrivalNanos) {
        this.topic = topic;
        this.partition = partition;
        this.batch = batch;
        this.writer = writer;
        this.durable = durable;
        this.metrics = metrics;
        this.arrivalNanos = arrivalNanos;
    }

    int partition() {
        return partition;
    }

    PartitionWriter writer() {
        return writer;
    }

    /** Valid once {@link #done} completed normally. */
    long baseOffset() {
        return baseOffset;
    }

    long logAppendTimeMs() {
        return logAppendTimeMs;
    }

    /** Queues the batch; if the queue filled up since the caller checked, queues it as soon as there is room. */
    void offer() {
        if (!writer.offer(batch, durable, this)) {
            writer.whenRoom(this);
        }
    }

    /** Room in the writer's queue again. */
    @Override
    public void run() {
        offer();
    }

    @Override
    public void onAppended(long baseOffset, long logAppendTimeMs, Throwable error) {
        metrics.recordAppend(topic, partition, batch, arrivalNanos, error == null);
        if (error != null) {
            done.completeExceptionally(error);
            return;
        }
        this.baseOffset = baseOffset;
        this.logAppendTimeMs = logAppendTimeMs;
        done.complete(null);
    }
}
