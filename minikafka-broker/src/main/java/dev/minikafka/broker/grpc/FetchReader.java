package dev.minikafka.broker.grpc;

import java.io.IOException;
import java.nio.ByteBuffer;

import com.google.protobuf.UnsafeByteOperations;

import dev.minikafka.broker.log.OffsetOutOfRangeException;
import dev.minikafka.broker.log.PartitionLog;
import dev.minikafka.broker.metrics.BrokerMetrics;
import dev.minikafka.broker.topic.Topic;
import dev.minikafka.broker.topic.TopicNames;
import dev.minikafka.broker.topic.TopicRegistry;
import dev.minikafka.protocol.BatchLayout;
import dev.minikafka.protocol.RecordBatch;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.PartitionData;

/**
 * Reads whole batches of one partition into a {@link PartitionData}, the unit both Fetch and Subscribe
 * answer with. Errors become the partition's error code, never an exception, so one bad partition does
 * not fail a multi-partition fetch.
 */
final class FetchReader {

    /** Earliest and latest, as Kafka's list-offsets API spells them. */
    static final long EARLIEST = -2L;
    static final long LATEST = -1L;

    private final TopicRegistry topics;
    private final BrokerMetrics metrics;

    FetchReader(TopicRegistry topics, BrokerMetrics metrics) {
        this.topics = topics;
        this.metrics = metrics;
    }

    /** The topic if it exists and has the partition; otherwise null, with {@code error} filled in. */
    Topic resolve(String topicName, int partition, PartitionData.Builder error) {
        Topic topic = topics.find(topicName);
        if (topic == null) {
            String problem = TopicNames.problemWith(topicName);
            error.setTopic(topicName).setPartition(partition)
                    .setErrorCode(problem != null ? ErrorCode.INVALID_TOPIC : ErrorCode.UNKNOWN_TOPIC)
                    .setErrorMessage(problem != null ? problem : "topic '" + topicName + "' does not exist");
            return null;
        }
        String missing = topic.partitionProblem(partition);
        if (missing != null) {
            error.setTopic(topicName).setPartition(partition).setErrorCode(ErrorCode.PARTITION_OUT_OF_RANGE)
                    .setErrorMessage(missing);
            return null;
        }
        return topic;
    }

    /** False once the topic is deleted (even if one of the same name was created since): stop reading it. */
    boolean isLive(Topic topic) {
        return topics.isLive(topic);
    }

    /**
     * Reads from {@code offset}: at least one whole batch if any is there (even past {@code maxBytes}),
     * otherwise an empty answer whose next offset is the one asked for.
     */
    PartitionData read(Topic topic, int partition, long offset, int maxBytes) {
        PartitionLog log = topic.log(partition);
        PartitionData.Builder data = PartitionData.newBuilder().setTopic(topic.name()).setPartition(partition);
        try {
            ByteBuffer batches = log.read(offset, Math.max(maxBytes, BatchLayout.HEADER_SIZE)).batches();
            data.setNextOffset(nextOffset(batches, offset));
            if (batches.hasRemaining()) {
                data.setBatches(UnsafeByteOperations.unsafeWrap(batches));
            }
        } catch (OffsetOutOfRangeException e) {
            data.setErrorCode(ErrorCode.OFFSET_OUT_OF_RANGE).setErrorMessage(e.getMessage()).setNextOffset(offset);
        } catch (IOException e) {
            data.setErrorCode(ErrorCode.STORAGE_ERROR)
                    .setErrorMessage("reading partition " + partition + " failed: " + e.getMessage())
                    .setNextOffset(offset);
        }
        return data.setLogStartOffset(log.logStartOffset()).setLogEndOffset(log.logEndOffset()).build();
    }

    /** Counts an answer's batches as consumed; call once it is handed to gRPC (a fetch may read and discard). */
    void delivered(PartitionData data) {
        if (!data.getBatches().isEmpty()) {
            metrics.recordConsumed(data.getTopic(), data.getPartition(), data.getBatches().asReadOnlyByteBuffer());
        }
    }

    /** A fetch call started or finished, for the active-consumers gauge. */
    void fetchStarted() {
        metrics.fetchStarted();
    }

    void fetchFinished() {
        metrics.fetchFinished();
    }

    /** An answer with the partition's offsets but no data, for a partition past the response's byte budget. */
    PartitionData offsetsOnly(Topic topic, int partition, long offset) {
        PartitionLog log = topic.log(partition);
        return PartitionData.newBuilder().setTopic(topic.name()).setPartition(partition).setNextOffset(offset)
                .setLogStartOffset(log.logStartOffset()).setLogEndOffset(log.logEndOffset()).build();
    }

    /** Turns -2/-1 into the log's start or end offset; other values are returned unchanged. */
    static long resolveStart(PartitionLog log, long offset) {
        if (offset == EARLIEST) {
            return log.logStartOffset();
        }
        if (offset == LATEST) {
            return log.logEndOffset();
        }
        return offset;
    }

    private static long nextOffset(ByteBuffer batches, long requested) {
        long next = requested;
        int pos = batches.position();
        int limit = batches.limit();
        while (limit - pos >= BatchLayout.HEADER_SIZE) {
            int size = RecordBatch.sizeInBytes(batches, pos);
            if (size > limit - pos) {
                break;
            }
            next = Math.max(next, RecordBatch.lastOffset(batches, pos) + 1);
            pos += size;
        }
        return next;
    }
}
