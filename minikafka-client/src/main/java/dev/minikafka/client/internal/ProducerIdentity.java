package dev.minikafka.client.internal;

import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.proto.v1.InitProducerIdRequest;
import dev.minikafka.proto.v1.InitProducerIdResponse;
import dev.minikafka.proto.v1.ProducerGrpc;
import dev.minikafka.protocol.BatchLayout;
import io.grpc.stub.StreamObserver;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An idempotent producer's id, asked of the broker ({@code InitProducerId}) by the sender thread before it
 * sends anything, and kept for the producer's life. {@code send} never waits for it: batches sealed before
 * it is known are stamped when they are first sent (as Kafka's producer does), later ones when sealed.
 * A producer without idempotence has the id -1 and never asks. A retriable failure is retried after the
 * back-off; any other ({@code NOT_AUTHENTICATED}, {@code NOT_AUTHORIZED}, {@code INVALID_REQUEST}) is kept as
 * {@link #failure()} and not asked again.
 *
 * <p>Thread-safety: {@link #ready} is called by the sender thread only; the answer arrives on a gRPC
 * thread; {@link #producerId} is a volatile read from any thread. Internal API.
 */
public final class ProducerIdentity {

    private static final Logger log = LoggerFactory.getLogger(ProducerIdentity.class);

    private final ProducerGrpc.ProducerStub stub;
    private final boolean idempotent;
    private final long retryBackoffNanos;
    private final Runnable onKnown;
    private volatile long producerId = BatchLayout.NO_PRODUCER_ID;
    private volatile boolean asking;
    private volatile long retryAtNanos;
    private volatile boolean warned;
    /** The broker refused the id for good (authentication, authorization, a bad request): asked no more. */
    private volatile MiniKafkaException failure;

    /**
     * @param stub    null for a producer without idempotence
     * @param onKnown run when the id arrives (wakes the sender)
     */
    public ProducerIdentity(ProducerGrpc.ProducerStub stub, long retryBackoffNanos, Runnable onKnown) {
        this(stub, stub != null, retryBackoffNanos, onKnown, BatchLayout.NO_PRODUCER_ID);
    }

    private ProducerIdentity(ProducerGrpc.ProducerStub stub, boolean idempotent, long retryBackoffNanos, Runnable onKnown,
            long producerId) {
        this.stub = stub;
        this.idempotent = idempotent;
        this.retryBackoffNanos = retryBackoffNanos;
        this.onKnown = onKnown;
        this.producerId = producerId;
    }

    /** An idempotent identity whose id is already known (for tests). */
    static ProducerIdentity known(long producerId) {
        return new ProducerIdentity(null, true, 0, () -> { }, producerId);
    }

    public boolean idempotent() {
        return idempotent;
    }

    /** The id, or -1 while unknown or without idempotence. */
    public long producerId() {
        return producerId;
    }

    /**
     * Why the broker refused the id for good (a non-retriable error such as {@code NOT_AUTHENTICATED}), or null.
     * The producer then fails what is queued and every later send with it.
     */
    public MiniKafkaException failure() {
        return failure;
    }

    /** True when batches may be sent: no idempotence, or the id is known. Otherwise asks for it (once at a time). */
    boolean ready(long nowNanos) {
        if (!idempotent || producerId >= 0) {
            return true;
        }
        if (failure == null && !asking && nowNanos - retryAtNanos >= 0) {
            asking = true;
            stub.initProducerId(InitProducerIdRequest.getDefaultInstance(), new StreamObserver<>() {
                @Override
                public void onNext(InitProducerIdResponse response) {
                    producerId = response.getProducerId();
                }

                @Override
                public void onError(Throwable t) {
                    MiniKafkaException error = Statuses.toException(t);
                    if (!error.isRetriable()) {
                        failure = new MiniKafkaException(error.code(), "the broker refused a producer id (idempotence is on): "
                                + error.getMessage(), error);
                        log.error("Cannot get a producer id for idempotence; every record fails: {}", error.getMessage());
                        onKnown.run();
                        return;
                    }
                    retryAtNanos = System.nanoTime() + retryBackoffNanos;
                    asking = false;
                    if (!warned) {
                        warned = true;
                        log.warn("Cannot get a producer id for idempotence yet, retrying: {}",
                                error.getMessage());
                    }
                    onKnown.run();
                }

                @Override
                public void onCompleted() {
                    asking = false;
                    onKnown.run();
                }
            });
        }
        return false;
    }
}
