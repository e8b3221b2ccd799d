package dev.minikafka.client.internal;

import java.util.concurrent.TimeUnit;

import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.proto.v1.InitProducerIdRequest;
import dev.minikafka.proto.v1.InitProducerIdResponse;
import dev.minikafka.proto.v1.ProducerGrpc;
import dev.minikafka.protocol.BatchLayout;
import io.grpc.StatusRuntimeException;

/**
 * An idempotent producer's id, asked of the broker ({@code InitProducerId}) on the first send and kept for
 * the producer's life. Batches are stamped with it when they are sealed, so it must be known before the
 * first record is accepted: the first {@code send} waits for it, at most {@code max.block.ms}, as it waits
 * for topic metadata. A producer without idempotence has the id -1 and never asks.
 *
 * <p>Thread-safety: {@link #ensure} is synchronized (one request however many threads send first);
 * {@link #producerId} is a volatile read. Internal API.
 */
public final class ProducerIdentity {

    private final ProducerGrpc.ProducerBlockingStub stub;
    private final boolean idempotent;
    private volatile long producerId = BatchLayout.NO_PRODUCER_ID;

    /** @param stub null for a producer without idempotence */
    public ProducerIdentity(ProducerGrpc.ProducerBlockingStub stub) {
        this.stub = stub;
        this.idempotent = stub != null;
    }

    private ProducerIdentity(long producerId) {
        this.stub = null;
        this.idempotent = true;
        this.producerId = producerId;
    }

    /** An idempotent identity whose id is already known. */
    static ProducerIdentity known(long producerId) {
        return new ProducerIdentity(producerId);
    }

    public boolean idempotent() {
        return idempotent;
    }

    /** The id, or -1 while unknown or without idempotence. */
    public long producerId() {
        return producerId;
    }

    /** Fetches the id unless known; waits at most {@code maxWaitMs}. */
    public void ensure(long maxWaitMs) {
        if (!idempotent || producerId >= 0) {
            return;
        }
        synchronized (this) {
            if (producerId >= 0) {
                return;
            }
            try {
                InitProducerIdResponse response = stub.withDeadlineAfter(Math.max(1, maxWaitMs), TimeUnit.MILLISECONDS)
                        .withWaitForReady()
                        .initProducerId(InitProducerIdRequest.getDefaultInstance());
                producerId = response.getProducerId();
            } catch (StatusRuntimeException e) {
                MiniKafkaException error = Statuses.toException(e);
                throw new MiniKafkaException(error.code(), "cannot get a producer id for idempotence: "
                        + error.getMessage(), e);
            }
        }
    }
}
