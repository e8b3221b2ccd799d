package dev.minikafka.client.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.proto.v1.AdminGrpc;
import dev.minikafka.proto.v1.DescribeTopicRequest;
import io.grpc.StatusRuntimeException;

/**
 * Partition counts of the topics a producer writes to, asked of the broker once per topic and cached
 * (MiniKafka topics do not change their partition count). Thread-safe. Internal API.
 */
public final class TopicMetadata {

    private final AdminGrpc.AdminBlockingStub admin;
    private final ConcurrentHashMap<String, Integer> partitionCounts = new ConcurrentHashMap<>();

    public TopicMetadata(AdminGrpc.AdminBlockingStub admin) {
        this.admin = admin;
    }

    /** The topic's partition count; asks the broker, waiting at most {@code maxWaitMs}, if not known yet. */
    public int partitionCount(String topic, long maxWaitMs) {
        Integer known = partitionCounts.get(topic);
        if (known != null) {
            return known;
        }
        try {
            int count = admin.withDeadlineAfter(Math.max(1, maxWaitMs), TimeUnit.MILLISECONDS)
                    .describeTopic(DescribeTopicRequest.newBuilder().setName(topic).build())
                    .getPartitionsCount();
            partitionCounts.put(topic, count);
            return count;
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
