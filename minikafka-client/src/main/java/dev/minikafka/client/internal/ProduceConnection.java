package dev.minikafka.client.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.google.protobuf.ByteString;

import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.proto.v1.Acks;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.ProduceRequest;
import dev.minikafka.proto.v1.ProduceResponse;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/**
 * One {@code Producer.Produce} stream. The sender thread writes requests (only while gRPC says the stream
 * is ready, so unsent bytes never pile up in the transport); answers arrive on gRPC's threads and complete
 * their batches. When the stream fails, every unanswered request goes back to its partition's queue, in
 * order, for the sender to retry on the next stream (or fails, if the failure is not retriable).
 *
 * <p>Thread-safety: {@link #send} is called by the sender thread only; everything else may run on any thread.
 */
final class ProduceConnection implements ClientResponseObserver<ProduceRequest, ProduceResponse>,
        RecordAccumulator.RequestSink {

    private record InFlight(PartitionAccumulator partition, SealedBatch[] batches, long sentNanos) {
    }

    private final ProducerSender sender;
    private final Acks acks;
    private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    private volatile ClientCallStreamObserver<ProduceRequest> requests;
    private volatile boolean failed;
    private long nextCorrelationId;

    ProduceConnection(ProducerSender sender, Acks acks) {
        this.sender = sender;
        this.acks = acks;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ProduceRequest> requestStream) {
        this.requests = requestStream;
        requestStream.setOnReadyHandler(sender::wakeup);
    }

    boolean isFailed() {
        return failed;
    }

    @Override
    public boolean canAccept() {
        return !failed && requests.isReady();
    }

    @Override
    public void send(PartitionAccumulator partition, SealedBatch[] batches) {
        long correlationId = nextCorrelationId++;
        ByteString bytes = batches[0].bytes;
        for (int i = 1; i < batches.length; i++) {
            bytes = bytes.concat(batches[i].bytes);
        }
        ProduceRequest request = ProduceRequest.newBuilder()
                .setCorrelationId(correlationId)
                .setTopic(partition.partition().topic())
                .setPartition(partition.partition().partition())
                .setAcks(acks)
                .setBatches(bytes)
                .build();
        if (acks == Acks.ACKS_NONE) {
            requests.onNext(request);
            partition.requestDone(batches.length);
            for (SealedBatch batch : batches) {
                sender.succeeded(batch, -1, -1);
            }
            return;
        }
        inFlight.put(correlationId, new InFlight(partition, batches, System.nanoTime()));
        requests.onNext(request);
        if (failed) {
            // The stream failed while we sent: lost() may have drained the map before our put. Whoever
            // removes the entry re-queues it, so it is neither lost nor sent twice from here.
            InFlight orphan = inFlight.remove(correlationId);
            if (orphan != null) {
                markMaybeAppended(List.of(batches));
                sender.failed(partition, List.of(batches), new MiniKafkaException(ErrorCode.BROKER_UNAVAILABLE,
                        "the produce stream failed while the request was sent"), 0);
                partition.requestDone(batches.length);
            }
        }
    }

    @Override
    public void onNext(ProduceResponse response) {
        InFlight request = inFlight.remove(response.getCorrelationId());
        if (request == null) {
            return; // answered after the stream was given up on; the batches were already re-queued
        }
        if (response.getThrottleTimeMs() > 0) {
            sender.throttled(response.getThrottleTimeMs());
        }
        ErrorCode code = response.getErrorCode();
        if (code == ErrorCode.NONE) {
            // Per-batch offsets come only when some batches were duplicates of ones appended before.
            int perBatch = response.getBatchBaseOffsetsCount();
            SealedBatch[] batches = request.batches();
            long offset = response.getBaseOffset();
            for (int i = 0; i < batches.length; i++) {
                SealedBatch batch = batches[i];
                long batchOffset = i < perBatch ? response.getBatchBaseOffsets(i) : offset;
                request.partition().acknowledged(batch);
                sender.succeeded(batch, batchOffset, response.getLogAppendTimeMs());
                offset = batchOffset + batch.recordCount;
            }
            request.partition().requestDone(request.batches().length);
        } else {
            for (SealedBatch batch : request.batches()) {
                batch.maybeAppended = false; // an answer: nothing of the request was written
            }
            if (code == ErrorCode.UNKNOWN_TOPIC || code == ErrorCode.PARTITION_OUT_OF_RANGE) {
                sender.topicChanged(request.partition().partition().topic());
            }
            MiniKafkaException error = new MiniKafkaException(code, response.getErrorMessage()
                    + " (topic " + request.partition().partition().topic()
                    + ", partition " + request.partition().partition().partition() + ")");
            sender.failed(request.partition(), List.of(request.batches()), error, response.getThrottleTimeMs());
            // Only now: with idempotence, a partition renumbers its queue once nothing is in flight, and
            // these batches must be back in the queue by then.
            request.partition().requestDone(request.batches().length);
        }
        sender.wakeup();
    }

    @Override
    public void onError(Throwable t) {
        lost(Statuses.toException(t), Statuses.deniedTopic(t));
    }

    @Override
    public void onCompleted() {
        lost(new MiniKafkaException(ErrorCode.BROKER_UNAVAILABLE, "the broker closed the produce stream"));
    }

    /** Half-closes the stream after the last answer; the producer is closing. */
    void complete() {
        if (!failed) {
            failed = true;
            requests.onCompleted();
        }
    }

    /** Gives up on a stream whose oldest request has waited longer than {@code maxWaitNanos}. */
    void cancelIfStale(long nowNanos, long maxWaitNanos) {
        for (InFlight request : inFlight.values()) {
            if (nowNanos - request.sentNanos() > maxWaitNanos) {
                requests.cancel("no answer from the broker in time", null);
                lost(new MiniKafkaException(ErrorCode.BROKER_UNAVAILABLE,
                        "the broker did not answer a produce request within the delivery timeout"));
                return;
            }
        }
    }

    private void lost(MiniKafkaException error) {
        lost(error, null);
    }

    /**
     * Re-queues every unanswered request. When the broker closed the stream because this producer may not
     * write {@code deniedTopic}, only that topic's records fail with the refusal; the others were refused
     * nothing and are resent on the next stream.
     */
    private void lost(MiniKafkaException error, String deniedTopic) {
        failed = true;
        Map<PartitionAccumulator, List<SealedBatch>> byPartition = new HashMap<>();
        List<InFlight> given = new ArrayList<>();
        for (Long id : new ArrayList<>(inFlight.keySet())) {
            InFlight request = inFlight.remove(id);
            if (request != null) {
                given.add(request);
                byPartition.computeIfAbsent(request.partition(), p -> new ArrayList<>()).addAll(List.of(request.batches()));
            }
        }
        byPartition.forEach((partition, batches) -> {
            batches.sort(Comparator.comparingLong(b -> b.sequence));
            markMaybeAppended(batches);
            boolean collateral = deniedTopic != null && !deniedTopic.equals(partition.partition().topic());
            sender.failed(partition, batches, collateral ? new MiniKafkaException(ErrorCode.BROKER_UNAVAILABLE,
                    "the produce stream was closed over another topic: " + error.getMessage(), error) : error, 0);
        });
        for (InFlight request : given) {
            request.partition().requestDone(request.batches().length); // after the re-queue, as in onNext
        }
        sender.connectionLost(this, error);
    }

    /** Sent without an answer: only a resend with the same sequence can tell whether they were appended. */
    private static void markMaybeAppended(List<SealedBatch> batches) {
        for (SealedBatch batch : batches) {
            batch.maybeAppended = true;
        }
    }
}
