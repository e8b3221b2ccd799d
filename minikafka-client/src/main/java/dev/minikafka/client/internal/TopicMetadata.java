package dev.minikafka.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;

import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.proto.v1.AdminGrpc;
import dev.minikafka.proto.v1.DescribeTopicRequest;
import dev.minikafka.proto.v1.ErrorCode;
import io.grpc.StatusRuntimeException;

/**
 * Partition counts of the topics a producer writes to, asked of the broker and cached. A topic keeps its count
 * while it lives, but may be deleted and re-created with another: a count is forgotten when a produce answer
 * says the topic or partition does not exist ({@link #forget}), and looked up again in the background once it
 * is older than {@code metadata.max.age.ms}, while sends go on with the old count (as in Kafka, only a send to
 * a topic not known at all waits for the broker). Thread-safe. Internal API.
 */
public final class TopicMetadata {

    /** A count and when it was learnt (nanoTime); replaced whole, so a reader sees both from one look-up. */
    private record Known(int count, long learntNanos) {
    }

    private final AdminGrpc.AdminBlockingStub admin;
    private final long maxAgeNanos;
    private final ConcurrentHashMap<String, Known> partitionCounts = new ConcurrentHashMap<>();
    /** Look-ups on their way to the broker, by topic. */
    private final ConcurrentHashMap<String, CompletableFuture<Integer>> lookups = new ConcurrentHashMap<>();

    public TopicMetadata(AdminGrpc.AdminBlockingStub admin) {
        this(admin, Long.MAX_VALUE);
    }

    /** @param maxAgeNanos how old a count may get before it is looked up again ({@code metadata.max.age.ms}) */
    public TopicMetadata(AdminGrpc.AdminBlockingStub admin, long maxAgeNanos) {
        this.admin = admin;
        this.maxAgeNanos = maxAgeNanos;
    }

    /**
     * The topic's partition count; asks the broker, waiting at most {@code maxWaitMs}, if not known yet.
     * Threads that need the same unknown topic at once share one request (sixteen sending threads starting
     * together made sixteen identical calls, and their first records waited for all of them).
     */
    public int partitionCount(String topic, long maxWaitMs) {
        Known known = partitionCounts.get(topic);
        if (known != null) {
            if (System.nanoTime() - known.learntNanos > maxAgeNanos) {
                refreshInBackground(topic, maxWaitMs);
            }
            return known.count;
        }
        CompletableFuture<Integer> mine = new CompletableFuture<>();
        CompletableFuture<Integer> lookup = lookups.putIfAbsent(topic, mine);
        if (lookup == null) {
            try {
                int count = describe(topic, maxWaitMs);
                partitionCounts.put(topic, new Known(count, System.nanoTime()));
                mine.complete(count);
                return count;
            } catch (MiniKafkaException e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                lookups.remove(topic, mine);
            }
        }
        try {
            return lookup.get(Math.max(1, maxWaitMs), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (MiniKafkaException) e.getCause();
        } catch (TimeoutException e) {
            throw new MiniKafkaException(ErrorCode.BROKER_UNAVAILABLE,
                    "cannot find the partitions of topic '" + topic + "': no answer within " + maxWaitMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MiniKafkaException(ErrorCode.BROKER_UNAVAILABLE, "interrupted while looking up topic '" + topic + "'");
        }
    }

    /**
     * Looks a count that is too old up again on a virtual thread; one look-up per topic at a time. A topic the
     * broker no longer knows is forgotten (the next send waits for it as for a new topic); any other failure
     * keeps the old count for another {@code metadata.max.age.ms}.
     */
    private void refreshInBackground(String topic, long maxWaitMs) {
        CompletableFuture<Integer> mine = new CompletableFuture<>();
        if (lookups.putIfAbsent(topic, mine) != null) {
            return;
        }
        Thread.startVirtualThread(() -> {
            try {
                int count = describe(topic, maxWaitMs);
                partitionCounts.put(topic, new Known(count, System.nanoTime()));
                mine.complete(count);
            } catch (MiniKafkaException e) {
                if (e.code() == ErrorCode.UNKNOWN_TOPIC) {
                    partitionCounts.remove(topic);
                } else {
                    partitionCounts.computeIfPresent(topic, (t, old) -> new Known(old.count, System.nanoTime()));
                }
                mine.completeExceptionally(e);
            } finally {
                lookups.remove(topic, mine);
            }
        });
    }

    private int describe(String topic, long maxWaitMs) {
        try {
            return admin.withDeadlineAfter(Math.max(1, maxWaitMs), TimeUnit.MILLISECONDS)
                    .describeTopic(DescribeTopicRequest.newBuilder().setName(topic).build())
                    .getPartitionsCount();
        } catch (StatusRuntimeException e) {
            MiniKafkaException error = Statuses.toException(e);
            throw new MiniKafkaException(error.code(), "cannot find the partitions of topic '" + topic + "': "
                    + error.getMessage(), e);
        }
    }

    /**
     * Forgets a topic's count, after a produce answer said the topic or one of its partitions does not exist
     * (deleted, perhaps re-created with fewer partitions): the next send looks it up again.
     */
    public void forget(String topic) {
        partitionCounts.remove(topic);
    }
}
