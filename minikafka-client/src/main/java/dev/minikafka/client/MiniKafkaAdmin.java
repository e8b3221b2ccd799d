package dev.minikafka.client;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.minikafka.client.internal.Channels;
import dev.minikafka.client.internal.Statuses;
import dev.minikafka.proto.v1.AdminGrpc;
import dev.minikafka.proto.v1.CreateTopicRequest;
import dev.minikafka.proto.v1.DeleteTopicRequest;
import dev.minikafka.proto.v1.DescribeTopicRequest;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.ListOffsetsRequest;
import dev.minikafka.proto.v1.ListTopicsRequest;
import dev.minikafka.proto.v1.OffsetAnswer;
import dev.minikafka.proto.v1.OffsetQuery;
import dev.minikafka.proto.v1.PartitionDescription;
import dev.minikafka.proto.v1.TopicConfig;
import dev.minikafka.proto.v1.TopicDescription;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;

/**
 * Manages topics and looks up offsets. Every call blocks until the broker answers or the request timeout
 * passes, and reports failure as a {@link MiniKafkaException} carrying the broker's message.
 *
 * <p>Thread-safety: safe to share between threads.
 */
public final class MiniKafkaAdmin implements AutoCloseable {

    /** The special timestamps of {@code ListOffsets}, as in Kafka. */
    private static final long EARLIEST = -2;
    private static final long LATEST = -1;

    private final ManagedChannel channel;
    private final boolean ownsChannel;
    private final AdminGrpc.AdminBlockingStub stub;
    private final long timeoutMs;

    /** An admin client with its own connection to {@code bootstrap} ({@code host:port}) and a 30 s timeout. */
    public MiniKafkaAdmin(String bootstrap) {
        this(bootstrap, java.time.Duration.ofSeconds(30));
    }

    /** An admin client whose every call gives up after {@code requestTimeout} (a command line wants seconds). */
    public MiniKafkaAdmin(String bootstrap, java.time.Duration requestTimeout) {
        this(bootstrap, requestTimeout, ClientSecurity.NONE);
    }

    /** As {@link #MiniKafkaAdmin(String, java.time.Duration)}, over TLS and with credentials as {@code security} says. */
    public MiniKafkaAdmin(String bootstrap, java.time.Duration requestTimeout, ClientSecurity security) {
        this(Channels.open(bootstrap, null, security), true, requestTimeout.toMillis());
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive");
        }
    }

    /** Shares another client's connection; closing this admin leaves the channel open. */
    MiniKafkaAdmin(ManagedChannel channel, long timeoutMs) {
        this(channel, false, timeoutMs);
    }

    private MiniKafkaAdmin(ManagedChannel channel, boolean ownsChannel, long timeoutMs) {
        this.channel = channel;
        this.ownsChannel = ownsChannel;
        this.stub = AdminGrpc.newBlockingStub(channel);
        this.timeoutMs = timeoutMs;
    }

    /**
     * Creates a topic.
     *
     * @throws TopicExistsException if it already exists
     */
    public TopicInfo createTopic(NewTopic topic) {
        TopicConfig.Builder config = TopicConfig.newBuilder();
        if (topic.retentionMs() != null) {
            config.setRetentionMs(topic.retentionMs());
        }
        if (topic.retentionBytes() != null) {
            config.setRetentionBytes(topic.retentionBytes());
        }
        if (topic.segmentBytes() != null) {
            config.setSegmentBytes(topic.segmentBytes());
        }
        if (topic.segmentMs() != null) {
            config.setSegmentMs(topic.segmentMs());
        }
        if (topic.maxMessageBytes() != null) {
            config.setMaxMessageBytes(topic.maxMessageBytes());
        }
        if (topic.logAppendTime() != null) {
            config.setLogAppendTime(topic.logAppendTime());
        }
        return call(() -> toInfo(stub().createTopic(CreateTopicRequest.newBuilder()
                .setName(topic.name()).setPartitions(topic.partitions()).setConfig(config).build())));
    }

    public TopicInfo createTopic(String name, int partitions) {
        return createTopic(new NewTopic(name, partitions));
    }

    /** Creates the topic unless it exists; returns it either way. */
    public TopicInfo createTopicIfAbsent(NewTopic topic) {
        try {
            return createTopic(topic);
        } catch (TopicExistsException e) {
            return describeTopic(topic.name());
        }
    }

    /** Deletes a topic and its data. */
    public void deleteTopic(String name) {
        call(() -> stub().deleteTopic(DeleteTopicRequest.newBuilder().setName(name).build()));
    }

    /** Every topic's name and partition count, by name. */
    public List<TopicInfo> listTopics() {
        return call(() -> stub().listTopics(ListTopicsRequest.getDefaultInstance()).getTopicsList().stream()
                .map(t -> describeTopic(t.getName()))
                .toList());
    }

    /** Just the topic names, without describing each. */
    public List<String> listTopicNames() {
        return call(() -> stub().listTopics(ListTopicsRequest.getDefaultInstance()).getTopicsList().stream()
                .map(t -> t.getName()).toList());
    }

    public TopicInfo describeTopic(String name) {
        return call(() -> toInfo(stub().describeTopic(DescribeTopicRequest.newBuilder().setName(name).build())));
    }

    /** The oldest offset still in the partition (its log start offset). */
    public long earliestOffset(TopicPartition partition) {
        return listOffset(partition, EARLIEST);
    }

    /** The offset the next record written to the partition will get (its log end offset). */
    public long latestOffset(TopicPartition partition) {
        return listOffset(partition, LATEST);
    }

    /** The first offset whose record has a timestamp at or after {@code timestampMs}; -1 if none does. */
    public long offsetForTimestamp(TopicPartition partition, long timestampMs) {
        if (timestampMs < 0) {
            throw new IllegalArgumentException("timestamp must not be negative: " + timestampMs);
        }
        return listOffset(partition, timestampMs);
    }

    private long listOffset(TopicPartition partition, long timestamp) {
        OffsetAnswer answer = call(() -> stub().listOffsets(ListOffsetsRequest.newBuilder()
                .addQueries(OffsetQuery.newBuilder().setTopic(partition.topic()).setPartition(partition.partition())
                        .setTimestamp(timestamp))
                .build()).getAnswers(0));
        if (answer.getErrorCode() != ErrorCode.NONE) {
            throw new MiniKafkaException(answer.getErrorCode(), answer.getErrorMessage());
        }
        return answer.getOffset();
    }

    private AdminGrpc.AdminBlockingStub stub() {
        return stub.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private static <T> T call(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw Statuses.toException(e);
        }
    }

    private static TopicInfo toInfo(TopicDescription d) {
        TopicConfig c = d.getConfig();
        List<PartitionInfo> partitions = d.getPartitionsList().stream().map(MiniKafkaAdmin::toInfo).toList();
        return new TopicInfo(d.getName(), c.getRetentionMs(), c.getRetentionBytes(), c.getSegmentBytes(),
                c.getSegmentMs(), c.getMaxMessageBytes(), c.getLogAppendTime(), Instant.ofEpochMilli(d.getCreatedAtMs()),
                partitions);
    }

    private static PartitionInfo toInfo(PartitionDescription p) {
        return new PartitionInfo(p.getPartition(), p.getLogStartOffset(), p.getLogEndOffset(), p.getSizeBytes(),
                p.getSegmentCount());
    }

    @Override
    public void close() {
        if (ownsChannel) {
            Channels.close(channel);
        }
    }
}
