package dev.minikafka.client.internal;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.minikafka.client.TopicPartition;
import dev.minikafka.client.internal.PartitionSubscription.Delivery;
import dev.minikafka.proto.v1.ConsumerGrpc;
import dev.minikafka.proto.v1.GroupMember;
import dev.minikafka.proto.v1.SubscribeRequest;

/**
 * The consumer's {@code Consumer.Subscribe} streams, at most one per partition, all delivering into one
 * queue that {@code poll} drains. A push stream replaces the Fetch round trip per few records: at low rates
 * each record reaches the consumer as soon as the broker appends it, without a new gRPC call each time.
 *
 * <p>Only the current stream of a partition counts: {@link #take} and {@link #poll} skip what a stream
 * delivered after it was closed or replaced. A partition whose stream failed may be held back
 * ({@link #backOff}) so a broker that is down is not re-dialled in a tight loop.
 *
 * <p>Thread-safety: one consumer thread calls every method; gRPC threads only add to the queue.
 * Internal API.
 */
public final class SubscriptionFetcher {

    /**
     * Callbacks only append to a queue and never block, so they run on the transport thread: this saves a
     * hand-off to gRPC's executor per message, which is most of the latency at low rates.
     */
    private static final Executor DIRECT = Runnable::run;

    private final ConsumerGrpc.ConsumerStub stub;
    private final int maxBytes;
    private final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
    private final AtomicLong bufferedBytes = new AtomicLong();
    private final Map<TopicPartition, PartitionSubscription> streams = new HashMap<>();
    private final Map<TopicPartition, Long> retryAt = new HashMap<>();
    /** Queued by {@link #wakeup} to end a {@link #take} early; never returned. */
    private static final Delivery WAKEUP = new Delivery(null, null, null);
    /** The group member new streams read as, or null when the consumer is not a group member. */
    private GroupMember member;

    /** @param maxBytes upper bound on one streamed message (a single larger batch still comes whole) */
    public SubscriptionFetcher(ConsumerGrpc.ConsumerStub stub, int maxBytes) {
        this.stub = stub.withExecutor(DIRECT);
        this.maxBytes = maxBytes;
    }

    /** New streams read as this group member (null: as no member); the broker fences them by it. */
    public void readAs(GroupMember member) {
        this.member = member;
    }

    /** Ends the current or next {@link #take} early. Any thread may call it. */
    public void wakeup() {
        deliveries.offer(WAKEUP);
    }

    public boolean isOpen(TopicPartition partition) {
        return streams.containsKey(partition);
    }

    /**
     * Streams the partition from {@code offset}, replacing any stream it had.
     *
     * @param prefetch how many messages the broker may send ahead of the consumer taking them
     */
    public void open(TopicPartition partition, long offset, int prefetch) {
        close(partition);
        PartitionSubscription stream = new PartitionSubscription(partition, prefetch, deliveries, bufferedBytes);
        streams.put(partition, stream);
        SubscribeRequest.Builder request = SubscribeRequest.newBuilder().setTopic(partition.topic())
                .setPartition(partition.partition()).setOffset(offset).setMaxBytes(maxBytes);
        if (member != null) {
            request.setMember(member);
        }
        stub.subscribe(request.build(), stream);
    }

    /** Cancels the partition's stream, drops what it had delivered, and forgets any back-off. */
    public void close(TopicPartition partition) {
        retryAt.remove(partition);
        PartitionSubscription stream = streams.remove(partition);
        if (stream != null) {
            stream.cancel();
            purge(stream);
        }
    }

    /** Closes the streams of every partition not in {@code partitions}. */
    public void retainAll(Set<TopicPartition> partitions) {
        for (TopicPartition partition : Set.copyOf(streams.keySet())) {
            if (!partitions.contains(partition)) {
                close(partition);
            }
        }
        retryAt.keySet().retainAll(partitions);
    }

    public void closeAll() {
        retainAll(Set.of());
    }

    /** Holds the partition back from {@link #open} for {@code nanos}; see {@link #backOffLeft}. */
    public void backOff(TopicPartition partition, long nanos) {
        retryAt.put(partition, System.nanoTime() + nanos);
    }

    /** Nanoseconds until the partition may be opened again after {@link #backOff}; 0 if it may now. */
    public long backOffLeft(TopicPartition partition, long nowNanos) {
        Long at = retryAt.get(partition);
        if (at == null) {
            return 0;
        }
        if (at - nowNanos <= 0) {
            retryAt.remove(partition);
            return 0;
        }
        return at - nowNanos;
    }

    /** The next delivery of a current stream, waiting up to {@code timeoutNanos}; null if none came. */
    public Delivery take(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        long left = timeoutNanos;
        while (left > 0) {
            Delivery taken = deliveries.poll(left, TimeUnit.NANOSECONDS);
            if (taken == WAKEUP) {
                return null;
            }
            Delivery delivery = accept(taken);
            if (delivery != null) {
                return delivery;
            }
            left = deadline - System.nanoTime();
        }
        return poll();
    }

    /** The next delivery of a current stream already queued, or null. */
    public Delivery poll() {
        Delivery delivery;
        do {
            delivery = deliveries.poll();
        } while (delivery != null && accept(delivery) == null);
        return delivery;
    }

    /** Whether the delivery's stream is still its partition's stream (a deferred one may have been replaced). */
    public boolean isCurrent(Delivery delivery) {
        return streams.get(delivery.partition()) == delivery.source();
    }

    /** Messages delivered but not yet taken, over all streams: at most the sum of their prefetch. */
    public int bufferedMessages() {
        return deliveries.size();
    }

    /** Batch bytes delivered but not yet taken. */
    public long bufferedBytes() {
        return bufferedBytes.get();
    }

    /** Unbuffers a taken delivery; returns it if its stream is current, asking that stream for one more message. */
    private Delivery accept(Delivery delivery) {
        if (delivery == null || delivery == WAKEUP) {
            return null;
        }
        if (delivery.data() != null) {
            bufferedBytes.addAndGet(-delivery.data().getBatches().size());
        }
        if (!isCurrent(delivery)) {
            return null;
        }
        if (delivery.data() != null) {
            delivery.source().request();
        }
        return delivery;
    }

    private void purge(PartitionSubscription stream) {
        for (Iterator<Delivery> it = deliveries.iterator(); it.hasNext(); ) {
            Delivery delivery = it.next();
            if (delivery != WAKEUP && delivery.source() == stream) {
                it.remove();
                if (delivery.data() != null) {
                    bufferedBytes.addAndGet(-delivery.data().getBatches().size());
                }
            }
        }
    }
}
