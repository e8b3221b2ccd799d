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
 * Partition counts of the topics a producer writes to, asked of the broker once per topic and cached
 * (MiniKafka topics do not change their partition count). Thread-safe. Internal API.
 */
public final class TopicMetadata {

    private final AdminGrpc.AdminBlockingStub admin;
    private final ConcurrentHashMap<String, Integer> partitionCounts = new ConcurrentHashMap<>();
    /** Look-ups on their way to the broker, by topic. */
    private final ConcurrentHashMap<String, CompletableFuture<Integer>> lookups = new ConcurrentHashMap<>();

    public TopicMetadata(AdminGrpc.AdminBlockingStub admin) {
        this.admin = admin;
    }

    /**
     * The topic's partition count; asks the broker, waiting at most {@code maxWaitMs}, if not known yet.
     * Threads that need the same unknown topic at once share one request (sixteen sending threads starting
     * together made sixteen identical calls, and their first records waited for all of them).
     */
    public int partitionCount(String topic, long maxWaitMs) {
        Integer known = partitionCounts.get(topic);
        if (known != null) {
            return known;
        }
        CompletableFuture<Integer> mine = new CompletableFuture<>();
        CompletableFuture<Integer> lookup = lookups.putIfAbsent(topic, mine);
        if (lookup == null) {
            try {
                int count = describe(topic, maxWaitMs);
                partitionCounts.put(topic, count);
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

    /** Forgets a topic, after the broker said it no longer exists. */
    public void forget(String topic) {
        partitionCounts.remove(topic);
    }
}
