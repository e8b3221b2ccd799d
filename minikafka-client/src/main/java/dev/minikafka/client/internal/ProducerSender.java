package dev.minikafka.client.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerThrottle;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.ProducerGrpc;

/**
 * The producer's I/O thread: seals batches whose linger has run out, sends ready batches on one produce
 * stream, reconnects with back-off when the stream fails, retries retriable failures until the delivery
 * timeout, and expires what cannot be delivered in time.
 *
 * <p>Threading: the loop runs on its own thread and is the only writer to the stream. Application threads
 * wake it with {@link #wakeup()}; answers arrive on gRPC threads and call {@link #succeeded}/{@link #failed}.
 * Internal API.
 */
public final class ProducerSender implements Runnable {

    private final LongAdder throttledResponses = new LongAdder();
    private final LongAdder throttleTimeMs = new LongAdder();
    private final AtomicLong maxThrottleTimeMs = new AtomicLong();

    private static final Logger log = LoggerFactory.getLogger(ProducerSender.class);
    /** The longest the loop sleeps with nothing to do, so expiry and reconnects are looked at regularly. */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long EXPIRY_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final RecordAccumulator accumulator;
    private final BufferMemory memory;
    private final ProducerGrpc.ProducerStub stub;
    private final dev.minikafka.proto.v1.Acks acks;
    private final long deliveryTimeoutNanos;
    private final long retryBackoffNanos;
    private final ProducerIdentity identity;
    private volatile Thread thread;
    private volatile boolean closing;
    private volatile boolean aborted;
    private volatile ProduceConnection connection;
    private volatile long reconnectAtNanos;
    private volatile boolean warnedDisconnected;

    public ProducerSender(RecordAccumulator accumulator, BufferMemory memory, ProducerGrpc.ProducerStub stub,
                          ProducerConfig config, ProducerIdentity identity) {
        this.identity = identity;
        this.accumulator = accumulator;
        this.memory = memory;
        this.stub = stub;
        this.acks = config.acks().wire();
        this.deliveryTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.deliveryTimeoutMs());
        this.retryBackoffNanos = TimeUnit.MILLISECONDS.toNanos(config.retryBackoffMs());
    }

    public void start(String name) {
        Thread t = new Thread(this, name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    public void wakeup() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Sends everything still queued, then stops; {@link #join} waits for it. */
    public void initiateClose() {
        closing = true;
        wakeup();
    }

    /** Stops without sending more; what is left fails with {@code error}. */
    public void abort() {
        aborted = true;
        wakeup();
    }

    public boolean join(long timeoutMillis) throws InterruptedException {
        thread.join(Math.max(1, timeoutMillis));
        return !thread.isAlive();
    }

    @Override
    public void run() {
        long nextExpiry = System.nanoTime();
        while (!aborted) {
            long now = System.nanoTime();
            boolean sweep = now - nextExpiry >= 0;
            if (sweep) {
                // Expiry sweeps every partition under its lock: often enough for the timeout, not per wake-up.
                expire(now);
                nextExpiry = now + EXPIRY_SWEEP_NANOS;
            }
            MiniKafkaException refused = identity.failure();
            if (refused != null) {
                accumulator.drainAll(batch -> giveUp(batch, refused)); // nothing can be sent without a producer id
            }
            ProduceConnection current = connectionFor(now, sweep);
            long nextWake = current == null ? reconnectAtNanos
                    : !identity.ready(now) ? now + MAX_PARK_NANOS // woken when the producer id arrives
                    : accumulator.drain(now, closing, current);
            if (closing && accumulator.isEmpty()) {
                break;
            }
            long park = nextWake == Long.MAX_VALUE ? MAX_PARK_NANOS : Math.min(nextWake - System.nanoTime(), MAX_PARK_NANOS);
            if (park > 0) {
                LockSupport.parkNanos(this, park);
            }
        }
        ProduceConnection last = connection;
        if (last != null) {
            last.complete();
        }
        // Refuse later appends, then fail what is left: after an abort, everything unsent; after a clean
        // close, records appended after the last drain (a send that was blocked in buffer.memory).
        accumulator.close();
        MiniKafkaException error = new MiniKafkaException(ErrorCode.BROKER_UNAVAILABLE,
                "the producer was closed before this record was sent");
        accumulator.drainAll(batch -> giveUp(batch, error));
    }

    private ProduceConnection connectionFor(long now, boolean checkStale) {
        ProduceConnection current = connection;
        if (current != null && !current.isFailed()) {
            if (checkStale) {
                current.cancelIfStale(now, deliveryTimeoutNanos);
            }
            return current.isFailed() ? null : current;
        }
        if (now - reconnectAtNanos < 0) {
            return null;
        }
        ProduceConnection fresh = new ProduceConnection(this, acks);
        connection = fresh;
        stub.produce(fresh);
        return fresh;
    }

    void connectionLost(ProduceConnection lost, MiniKafkaException error) {
        if (connection == lost) {
            reconnectAtNanos = System.nanoTime() + Math.max(retryBackoffNanos, TimeUnit.MILLISECONDS.toNanos(50));
            if (!closing && !warnedDisconnected) {
                warnedDisconnected = true;
                log.warn("Produce stream lost, reconnecting: {}", error.getMessage());
            }
        }
        wakeup();
    }

    void succeeded(SealedBatch batch, long baseOffset, long logAppendTimeMs) {
        warnedDisconnected = false;
        memory.release(batch.reservedBytes()); // before the callbacks, so they find the memory free
        try {
            batch.succeed(baseOffset, logAppendTimeMs);
        } finally {
            accumulator.completed(batch);
        }
    }

    /** Retries retriable failures (in partition order) until the delivery timeout; fails the rest. */
    /**
     * The broker held this producer back for {@code ms} (a quota). It already did so by reading the stream's
     * next request later, so there is nothing to wait for here: the time is counted for {@link #throttle()}.
     */
    void throttled(int ms) {
        throttledResponses.increment();
        throttleTimeMs.add(ms);
        maxThrottleTimeMs.accumulateAndGet(ms, Math::max);
    }

    /** What quotas cost this producer so far. */
    public ProducerThrottle throttle() {
        return new ProducerThrottle(throttledResponses.sum(), throttleTimeMs.sum(), maxThrottleTimeMs.get());
    }

    /** A produce answer said the topic or partition does not exist: the producer's partition count is stale. */
    void topicChanged(String topic) {
        accumulator.topicChanged(topic);
    }

    void failed(PartitionAccumulator partition, List<SealedBatch> batches, MiniKafkaException error, int throttleMs) {
        long now = System.nanoTime();
        List<SealedBatch> retry = new ArrayList<>(batches.size());
        for (SealedBatch batch : batches) {
            boolean retriable = error.isRetriable()
                    || error.code() == ErrorCode.OUT_OF_ORDER_SEQUENCE && partition.waitsForPredecessor(batch);
            if (!retriable || closingWithoutWaiting()) {
                giveUp(batch, error);
            } else if (now - batch.createdNanos < deliveryTimeoutNanos) {
                retry.add(batch);
            } else {
                giveUp(batch, new MiniKafkaException(error.code(), "record not acknowledged within delivery.timeout.ms ("
                        + TimeUnit.NANOSECONDS.toMillis(deliveryTimeoutNanos) + " ms) for " + batch.partition
                        + "; last error: " + error.getMessage(), error));
            }
        }
        if (!retry.isEmpty()) {
            long backoff = Math.max(retryBackoffNanos, TimeUnit.MILLISECONDS.toNanos(throttleMs));
            partition.requeue(retry, now + backoff);
            wakeup();
        }
    }

    private boolean closingWithoutWaiting() {
        return aborted;
    }

    private void expire(long now) {
        accumulator.expire(now - deliveryTimeoutNanos, batch -> giveUp(batch,
                new MiniKafkaException(ErrorCode.BROKER_UNAVAILABLE, "record not acknowledged within delivery.timeout.ms ("
                        + TimeUnit.NANOSECONDS.toMillis(deliveryTimeoutNanos) + " ms) for " + batch.partition)));
    }

    private void giveUp(SealedBatch batch, MiniKafkaException error) {
        batch.owner.failedForGood(batch);
        memory.release(batch.reservedBytes()); // before the callbacks, so they find the memory free
        try {
            batch.fail(error);
        } finally {
            accumulator.completed(batch);
        }
    }
}
