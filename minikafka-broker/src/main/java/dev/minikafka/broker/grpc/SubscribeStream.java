package dev.minikafka.broker.grpc;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.minikafka.broker.metrics.BrokerMetrics;
import dev.minikafka.broker.quota.QuotaManager;
import dev.minikafka.broker.topic.Topic;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.PartitionData;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * One partition streamed to one consumer. The pump sends batches only while the stream is ready (the
 * consumer's HTTP/2 window has room), so a slow consumer costs the broker nothing but its position; when
 * the consumer is caught up, the pump parks on the partition's {@code DataWaiters} until the next append.
 *
 * <p>Thread-safety: the pump runs on gRPC's call executor (on ready) or the fetch executor (after an
 * append); {@code pumping} lets only one run at a time, and a request to pump during a run is not lost
 * ({@code again}).
 */
final class SubscribeStream {

    private final String topicName;
    private final int partition;
    private final int maxBytes;
    private final FetchReader reader;
    private final BrokerMetrics metrics;
    private final ScheduledExecutorService executor;
    private final QuotaManager quotas;
    private final String clientId;
    /** A consumer over its quota gets nothing before this time (System.nanoTime()). */
    private volatile long pausedUntilNanos;
    private final ServerCallStreamObserver<PartitionData> responses;
    private final AtomicBoolean pumping = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final Runnable wake = this::wakeOnAppend;
    private volatile boolean closed;
    /** Set when the reading group member lost the partition; the pump then ends the stream. */
    private volatile String fencedBecause;
    private Runnable onClose = () -> { };
    private Topic topic;
    private long position;

    SubscribeStream(String topicName, int partition, long offset, int maxBytes, FetchReader reader,
            BrokerMetrics metrics, ScheduledExecutorService executor, QuotaManager quotas,
            ServerCallStreamObserver<PartitionData> responses) {
        this.topicName = topicName;
        this.partition = partition;
        this.position = offset;
        this.maxBytes = maxBytes;
        this.reader = reader;
        this.metrics = metrics;
        this.executor = executor;
        this.quotas = quotas;
        this.clientId = ClientIdentity.current();
        this.responses = responses;
    }

    /** Runs once when the stream ends, however it ends. */
    void onClose(Runnable action) {
        this.onClose = action;
    }

    /** Ends the stream with FAILED_PRECONDITION: the group member reading it no longer owns the partition. */
    void fence(String reason) {
        fencedBecause = reason;
        wakeOnAppend();
    }

    void start() {
        PartitionData.Builder error = PartitionData.newBuilder();
        topic = reader.resolve(topicName, partition, error);
        if (topic == null) {
            Status status = switch (error.getErrorCode()) {
                case PARTITION_OUT_OF_RANGE -> Status.OUT_OF_RANGE;
                case INVALID_TOPIC -> Status.INVALID_ARGUMENT; // a name no topic can have, e.g. empty
                default -> Status.NOT_FOUND;
            };
            responses.onError(status.withDescription(error.getErrorMessage()).asRuntimeException());
            onClose.run();
            return;
        }
        position = FetchReader.resolveStart(topic.log(partition), position);
        metrics.subscriptionOpened();
        responses.setOnCancelHandler(this::close);
        responses.setOnReadyHandler(this::pump);
        executor.execute(this::pump);
    }

    private void wakeOnAppend() {
        if (!closed) {
            executor.execute(this::pump);
        }
    }

    private void pump() {
        again.set(true);
        while (again.get() && !closed && pumping.compareAndSet(false, true)) {
            again.set(false);
            try {
                pumpOnce();
            } catch (RuntimeException e) {
                fail(Status.INTERNAL.withDescription("subscription failed: " + e.getMessage()));
            } finally {
                pumping.set(false);
            }
        }
    }

    private void pumpOnce() {
        if (fencedBecause != null) {
            fail(Status.FAILED_PRECONDITION.withDescription(fencedBecause));
            return;
        }
        while (!closed && responses.isReady() && System.nanoTime() - pausedUntilNanos >= 0) {
            if (!reader.isLive(topic)) {
                fail(Status.NOT_FOUND.withDescription("topic '" + topicName + "' was deleted; a topic created since"
                        + " under the same name is a new topic, subscribe again to read it"));
                return;
            }
            PartitionData data = reader.read(topic, partition, position, maxBytes);
            if (data.getErrorCode() != ErrorCode.NONE && !reader.isLive(topic)) {
                continue; // deleted while being read: say so, not the read error its removed files caused
            }
            if (data.getErrorCode() != ErrorCode.NONE) {
                Status status = data.getErrorCode() == ErrorCode.OFFSET_OUT_OF_RANGE ? Status.OUT_OF_RANGE : Status.UNAVAILABLE;
                fail(status.withDescription(data.getErrorMessage()));
                return;
            }
            if (data.getBatches().isEmpty()) {
                // Caught up: park until the writer appends or the topic is deleted, then re-check (either may
                // have just happened).
                topic.waiters(partition).register(wake);
                if (closed) {
                    // Cancelled while reading: close() may have unregistered before we registered.
                    topic.waiters(partition).unregister(wake);
                    return;
                }
                if (topic.log(partition).logEndOffset() > position || !reader.isLive(topic)) {
                    topic.waiters(partition).unregister(wake);
                    continue;
                }
                return;
            }
            position = data.getNextOffset();
            responses.onNext(data);
            reader.delivered(data);
            long pauseMs = quotas.consumed(clientId, topicName, data.getBatches().size());
            if (pauseMs > 0) {
                // Over quota: send nothing more until the throttle time has passed, then pump again.
                pausedUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMs);
                executor.schedule(this::pump, pauseMs, TimeUnit.MILLISECONDS);
                return;
            }
        }
    }

    private void fail(Status status) {
        if (!closed) {
            close();
            responses.onError(status.asRuntimeException());
        }
    }

    private void close() {
        if (!closed) {
            closed = true;
            if (topic != null) {
                topic.waiters(partition).unregister(wake);
            }
            metrics.subscriptionClosed();
            onClose.run();
        }
    }
}
