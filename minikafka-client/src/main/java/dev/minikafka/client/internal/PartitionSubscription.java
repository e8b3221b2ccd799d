package dev.minikafka.client.internal;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;

import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.PartitionData;
import dev.minikafka.proto.v1.SubscribeRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/**
 * One {@code Consumer.Subscribe} stream: the broker pushes one partition's batches from an offset as they
 * are appended. Client-side flow control keeps memory bounded: the stream starts with {@code prefetch}
 * messages of demand and asks for one more only as the consumer takes one ({@link #request()}), so at
 * most {@code prefetch} messages wait in the queue; beyond that gRPC stops reading, the HTTP/2 window
 * fills, and the broker's pump stops at {@code isReady()}.
 *
 * <p>Each instance is one generation of its partition's stream: a seek or pause cancels it and a new one
 * is opened, and a {@link Delivery} names the instance it came from, so the consumer recognises and drops
 * data that was on its way when the stream was replaced.
 *
 * <p>Internal API. Thread-safety: gRPC calls the observer methods, one at a time; the consumer's thread calls
 * {@link #request()} and {@link #cancel()}. Both only hand over to gRPC or to the thread-safe queue.
 */
public final class PartitionSubscription implements ClientResponseObserver<SubscribeRequest, PartitionData> {

    /** A message of a stream, or how it ended ({@code data} null, {@code failure} set). */
    public record Delivery(PartitionSubscription source, PartitionData data, Throwable failure) {

        public TopicPartition partition() {
            return source.partition;
        }
    }

    private final TopicPartition partition;
    private final int prefetch;
    private final Queue<Delivery> deliveries;
    private final AtomicLong bufferedBytes;
    private ClientCallStreamObserver<SubscribeRequest> call;
    private volatile boolean cancelled;

    PartitionSubscription(TopicPartition partition, int prefetch, Queue<Delivery> deliveries, AtomicLong bufferedBytes) {
        this.partition = partition;
        this.prefetch = prefetch;
        this.deliveries = deliveries;
        this.bufferedBytes = bufferedBytes;
    }

    TopicPartition partition() {
        return partition;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requestStream) {
        // Runs inside the stub call, before it returns, so call is set before the consumer can cancel.
        this.call = requestStream;
        requestStream.disableAutoRequestWithInitial(prefetch);
    }

    @Override
    public void onNext(PartitionData data) {
        if (!cancelled) {
            bufferedBytes.addAndGet(data.getBatches().size());
            deliveries.offer(new Delivery(this, data, null));
        }
    }

    @Override
    public void onError(Throwable failure) {
        if (!cancelled) {
            deliveries.offer(new Delivery(this, null, failure));
        }
    }

    @Override
    public void onCompleted() {
        // The broker never ends a subscription on its own; treat an end as a broken stream to reopen.
        onError(Status.UNAVAILABLE.withDescription("the broker ended the subscription to " + partition).asRuntimeException());
    }

    /** The consumer took one message: let the broker send one more. */
    void request() {
        if (!cancelled) {
            call.request(1);
        }
    }

    /** Stops the stream; whatever it still delivers is dropped. */
    void cancel() {
        if (!cancelled) {
            cancelled = true;
            call.cancel("the consumer no longer reads " + partition + " from this position", null);
        }
    }
}
