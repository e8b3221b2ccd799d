package dev.minikafka.client.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.ConsumerGrpc;
import dev.minikafka.proto.v1.FetchPartition;
import dev.minikafka.proto.v1.FetchRequest;
import dev.minikafka.proto.v1.FetchResponse;
import io.grpc.stub.StreamObserver;

/**
 * Keeps one {@code Consumer.Fetch} in flight ahead of the application: while it decodes and handles one
 * answer, the broker is already reading the next, as Kafka's consumer pre-fetches. Remembers which offset
 * each partition was fetched from, so an answer made stale by a seek is recognised and dropped.
 *
 * <p>Thread-safety: used by the consumer's one thread. Internal API.
 */
public final class PipelinedFetch {

    private final ConsumerGrpc.ConsumerStub stub;
    private final int maxBytes;
    private final int partitionMaxBytes;
    private final int minBytes;
    private final long requestTimeoutMs;
    private CompletableFuture<FetchResponse> inFlight;
    private Map<TopicPartition, Long> inFlightOffsets = Map.of();

    public PipelinedFetch(ConsumerGrpc.ConsumerStub stub, int maxBytes, int partitionMaxBytes, int minBytes,
                          long requestTimeoutMs) {
        this.stub = stub;
        this.maxBytes = maxBytes;
        this.partitionMaxBytes = partitionMaxBytes;
        this.minBytes = minBytes;
        this.requestTimeoutMs = requestTimeoutMs;
    }

    public boolean isInFlight() {
        return inFlight != null;
    }

    /** The offset the in-flight fetch asked for, or null if it does not cover the partition. */
    public Long fetchedFrom(TopicPartition partition) {
        return inFlightOffsets.get(partition);
    }

    /** Sends a fetch for the given positions; the broker may hold it up to {@code maxWaitMs} for data. */
    public void send(Map<TopicPartition, Long> positions, int maxWaitMs) {
        FetchRequest.Builder request = FetchRequest.newBuilder()
                .setMaxWaitMs(maxWaitMs)
                .setMinBytes(minBytes)
                .setMaxBytes(maxBytes);
        positions.forEach((tp, offset) -> request.addPartitions(FetchPartition.newBuilder()
                .setTopic(tp.topic()).setPartition(tp.partition()).setFetchOffset(offset)
                .setPartitionMaxBytes(partitionMaxBytes)));
        CompletableFuture<FetchResponse> future = new CompletableFuture<>();
        stub.withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS).fetch(request.build(), new StreamObserver<>() {
            @Override
            public void onNext(FetchResponse value) {
                future.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                future.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                future.complete(FetchResponse.getDefaultInstance());
            }
        });
        inFlight = future;
        inFlightOffsets = new HashMap<>(positions);
    }

    /**
     * Waits up to {@code timeoutMs} for the fetch in flight.
     *
     * @return its answer, or null if it has not arrived yet (it stays in flight)
     * @throws MiniKafkaException if the call failed; nothing is in flight afterwards
     */
    public FetchResponse await(long timeoutMs) throws InterruptedException {
        try {
            FetchResponse response = inFlight.get(Math.max(0, timeoutMs), TimeUnit.MILLISECONDS);
            inFlight = null;
            return response;
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            inFlight = null;
            throw Statuses.toException(e.getCause());
        }
    }

    /** Forgets the fetch in flight; its answer, when it comes, is ignored. */
    public void abandon() {
        if (inFlight != null) {
            inFlight.cancel(false);
            inFlight = null;
        }
    }
}
