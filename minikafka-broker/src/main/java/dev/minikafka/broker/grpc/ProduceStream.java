package dev.minikafka.broker.grpc;

import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.minikafka.broker.log.AppendCallback;
import dev.minikafka.broker.metrics.BrokerMetrics;
import dev.minikafka.broker.quota.QuotaManager;
import dev.minikafka.broker.log.PartitionWriter;
import dev.minikafka.broker.topic.Topic;
import dev.minikafka.broker.topic.TopicNames;
import dev.minikafka.broker.topic.TopicRegistry;
import dev.minikafka.protocol.BatchCheck;
import dev.minikafka.protocol.RecordBatch;
import dev.minikafka.proto.v1.Acks;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.ProduceRequest;
import dev.minikafka.proto.v1.ProduceResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * One producer's bidirectional stream, with manual inbound flow control: the next request is asked for
 * only when the last one was queued for its partition's writer and the response side is ready. When a
 * partition's pending-append queue is full, the request waits (held here, one per stream) until the
 * writer signals room, so HTTP/2 flow control pushes back on the producer and the heap stays bounded.
 * A producer over its quota is slowed the same way: its next request is read only after the throttle
 * time, which its ack reports. A request the broker fails on unexpectedly (the metadata store down while a
 * topic is auto-created) is answered BROKER_UNAVAILABLE, and the stream goes on.
 *
 * <p>Thread-safety: gRPC delivers {@code onNext} serially; acks complete on writer threads, so every
 * write to the response observer is made under its lock.
 */
final class ProduceStream implements StreamObserver<ProduceRequest> {

    private static final Logger log = LoggerFactory.getLogger(ProduceStream.class);

    private final TopicRegistry topics;
    private final BrokerMetrics metrics;
    private final QuotaManager quotas;
    private final ScheduledExecutorService delays;
    private final String clientId;
    private final ServerCallStreamObserver<ProduceResponse> responses;
    private final Object responseLock = new Object();
    private boolean requestOwed;
    /** Appends queued but not yet answered; the stream completes only when the last is answered. */
    private int inFlight;
    private boolean halfClosed;
    private boolean done;

    ProduceStream(TopicRegistry topics, BrokerMetrics metrics, QuotaManager quotas, ScheduledExecutorService delays,
            ServerCallStreamObserver<ProduceResponse> responses) {
        this.topics = topics;
        this.metrics = metrics;
        this.quotas = quotas;
        this.delays = delays;
        this.clientId = ClientIdentity.current();
        this.responses = responses;
        responses.disableAutoRequest();
        responses.setOnReadyHandler(this::onResponsesReady);
        responses.setOnCancelHandler(this::finish);
        responses.request(1);
        metrics.producerConnected();
    }

    @Override
    public void onNext(ProduceRequest request) {
        long arrivalNanos = System.nanoTime();
        Append append;
        try {
            append = accept(request, arrivalNanos);
        } catch (RuntimeException e) {
            // E.g. the metadata store failing while a topic is auto-created: this request fails, and the
            // stream goes on, with the acks it owes for requests to other partitions.
            log.warn("Produce request to topic {} partition {} failed", request.getTopic(), request.getPartition(), e);
            respondError(request, ErrorCode.BROKER_UNAVAILABLE, "the broker could not take this request (topic "
                    + request.getTopic() + ", partition " + request.getPartition() + "): " + ErrorCodes.message(e)
                    + "; retry later");
            requestNext();
            return;
        }
        if (append != null) {
            synchronized (responseLock) {
                inFlight++;
            }
            append.offer();
        }
    }

    /** The append for a valid request; null when the request was answered with an error instead. */
    private Append accept(ProduceRequest request, long arrivalNanos) {
        Topic topic = topics.findOrAutoCreate(request.getTopic());
        ErrorCode invalid = validate(request, topic);
        if (invalid != ErrorCode.NONE) {
            respondError(request, invalid, describe(invalid, request, topic));
            requestNext();
            return null;
        }
        // No copy: the log writes each batch's base offset beside these bytes, not into them (PartitionWriter).
        ByteBuffer batches = request.getBatches().asReadOnlyByteBuffer().slice();
        BatchCheck check = RecordBatch.checkAll(batches, 0, batches.limit(), topic.config().maxMessageBytes());
        if (check != BatchCheck.OK) {
            ErrorCode code = check == BatchCheck.TOO_LARGE ? ErrorCode.RECORD_TOO_LARGE : ErrorCode.CORRUPT_BATCH;
            respondError(request, code, check.message() + " (topic " + request.getTopic() + ", partition "
                    + request.getPartition() + ", max.message.bytes " + topic.config().maxMessageBytes() + ")");
            requestNext();
            return null;
        }
        PartitionWriter writer = topic.writer(request.getPartition());
        long throttleMs = quotas.produced(clientId, topic.name(), batches);
        return new Append(request, batches, writer, arrivalNanos, throttleMs);
    }

    @Override
    public void onError(Throwable t) {
        finish();
    }

    /** The producer is done sending: answer what is still in flight, then complete the stream. */
    @Override
    public void onCompleted() {
        synchronized (responseLock) {
            halfClosed = true;
            completeIfIdle();
        }
    }

    private void finish() {
        synchronized (responseLock) {
            if (!done) {
                done = true;
                metrics.producerDisconnected();
            }
        }
    }

    private void completeIfIdle() {
        if (halfClosed && inFlight == 0 && !done) {
            done = true;
            responses.onCompleted();
            metrics.producerDisconnected();
        }
    }

    private static ErrorCode validate(ProduceRequest request, Topic topic) {
        if (request.getTopic().isEmpty()) {
            return ErrorCode.INVALID_REQUEST;
        }
        if (topic == null) {
            return TopicNames.problemWith(request.getTopic()) != null ? ErrorCode.INVALID_TOPIC : ErrorCode.UNKNOWN_TOPIC;
        }
        if (!topic.hasPartition(request.getPartition())) {
            return ErrorCode.PARTITION_OUT_OF_RANGE;
        }
        if (request.getBatches().isEmpty()) {
            return ErrorCode.INVALID_REQUEST;
        }
        return ErrorCode.NONE;
    }

    private static String describe(ErrorCode code, ProduceRequest request, Topic topic) {
        return switch (code) {
            case INVALID_TOPIC -> TopicNames.problemWith(request.getTopic());
            case UNKNOWN_TOPIC -> "topic '" + request.getTopic() + "' does not exist; create it first (auto-create is off)";
            case PARTITION_OUT_OF_RANGE -> topic.partitionProblem(request.getPartition());
            case INVALID_REQUEST -> request.getTopic().isEmpty() ? "the request names no topic" : "the request carries no batches";
            default -> code.name();
        };
    }

    /** One request on its way into a partition log; its own callback, so no capturing lambda per append. */
    private final class Append implements AppendCallback, Runnable {
        private final ProduceRequest request;
        private final ByteBuffer batches;
        private final PartitionWriter writer;
        private final long arrivalNanos;
        /** Over quota: the next request is read this much later, and the ack says so. */
        private final long throttleMs;

        Append(ProduceRequest request, ByteBuffer batches, PartitionWriter writer, long arrivalNanos, long throttleMs) {
            this.request = request;
            this.batches = batches;
            this.writer = writer;
            this.arrivalNanos = arrivalNanos;
            this.throttleMs = throttleMs;
        }

        void offer() {
            boolean durable = request.getAcks() == Acks.ACKS_DURABLE;
            if (writer.offer(batches, durable, this)) {
                if (throttleMs > 0) {
                    delays.schedule(ProduceStream.this::requestNext, throttleMs, TimeUnit.MILLISECONDS);
                } else {
                    requestNext();
                }
            } else {
                metrics.producerBlocked();
                writer.whenRoom(this);
            }
        }

        /** Room in the writer's queue again: retry this append, then let the producer send more. */
        @Override
        public void run() {
            offer();
        }

        @Override
        public void onAppended(long baseOffset, long logAppendTimeMs, Throwable error) {
            onAppended(baseOffset, logAppendTimeMs, null, error);
        }

        @Override
        public void onAppended(long baseOffset, long logAppendTimeMs, long[] batchBaseOffsets, Throwable error) {
            metrics.recordAppend(request.getTopic(), request.getPartition(), batches, arrivalNanos, error == null);
            if (request.getAcks() == Acks.ACKS_NONE) {
                synchronized (responseLock) {
                    inFlight--;
                    completeIfIdle();
                }
                return;
            }
            ProduceResponse.Builder response = ProduceResponse.newBuilder()
                    .setCorrelationId(request.getCorrelationId())
                    .setThrottleTimeMs((int) throttleMs);
            if (error == null) {
                response.setBaseOffset(baseOffset)
                        .setLogAppendTimeMs(logAppendTimeMs)
                        .setLogStartOffset(writer.log().logStartOffset());
                if (batchBaseOffsets != null) {
                    for (long offset : batchBaseOffsets) {
                        response.addBatchBaseOffsets(offset);
                    }
                }
            } else {
                response.setBaseOffset(-1)
                        .setLogAppendTimeMs(-1)
                        .setErrorCode(ErrorCodes.of(error))
                        .setErrorMessage(ErrorCodes.message(error));
            }
            synchronized (responseLock) {
                inFlight--;
                send(response.build());
                completeIfIdle();
            }
        }
    }

    private void respondError(ProduceRequest request, ErrorCode code, String message) {
        metrics.produceRejected(code);
        if (request.getAcks() == Acks.ACKS_NONE) {
            return;
        }
        send(ProduceResponse.newBuilder()
                .setCorrelationId(request.getCorrelationId())
                .setErrorCode(code)
                .setErrorMessage(message)
                .setBaseOffset(-1)
                .setLogAppendTimeMs(-1)
                .build());
    }

    private void send(ProduceResponse response) {
        synchronized (responseLock) {
            if (done) {
                return;
            }
            try {
                responses.onNext(response);
            } catch (RuntimeException e) {
                // The call was cancelled between our check and the write; nothing left to tell the producer.
                done = true;
            }
        }
    }

    /** Ask for the next request now if responses can be sent, else as soon as they can. */
    private void requestNext() {
        synchronized (responseLock) {
            if (done) {
                return;
            }
            if (responses.isReady()) {
                responses.request(1);
            } else {
                requestOwed = true;
            }
        }
    }

    private void onResponsesReady() {
        synchronized (responseLock) {
            if (requestOwed && !done) {
                requestOwed = false;
                responses.request(1);
            }
        }
    }
}
