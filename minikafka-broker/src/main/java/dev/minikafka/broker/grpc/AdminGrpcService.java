package dev.minikafka.broker.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.springframework.stereotype.Service;

import dev.minikafka.broker.log.PartitionLog;
import dev.minikafka.broker.metrics.BrokerMetrics;
import dev.minikafka.broker.topic.PartitionState;
import dev.minikafka.broker.topic.Topic;
import dev.minikafka.broker.topic.TopicConfig;
import dev.minikafka.broker.topic.TopicException;
import dev.minikafka.broker.topic.TopicRegistry;
import dev.minikafka.broker.topic.TopicSettings;
import dev.minikafka.proto.v1.AdminGrpc;
import dev.minikafka.proto.v1.CreateTopicRequest;
import dev.minikafka.proto.v1.DeleteTopicRequest;
import dev.minikafka.proto.v1.DeleteTopicResponse;
import dev.minikafka.proto.v1.DescribeTopicRequest;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.ListOffsetsRequest;
import dev.minikafka.proto.v1.ListOffsetsResponse;
import dev.minikafka.proto.v1.ListTopicsRequest;
import dev.minikafka.proto.v1.ListTopicsResponse;
import dev.minikafka.proto.v1.OffsetAnswer;
import dev.minikafka.proto.v1.OffsetQuery;
import dev.minikafka.proto.v1.PartitionData;
import dev.minikafka.proto.v1.PartitionDescription;
import dev.minikafka.proto.v1.TopicDescription;
import dev.minikafka.proto.v1.TopicSummary;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** {@code minikafka.v1.Admin}: topic management and offset look-ups over the {@link TopicRegistry}. */
@Service
public class AdminGrpcService extends AdminGrpc.AdminImplBase {

    private final TopicRegistry topics;
    private final FetchReader reader;

    public AdminGrpcService(TopicRegistry topics, BrokerMetrics metrics) {
        this.topics = topics;
        this.reader = new FetchReader(topics, metrics);
    }

    @Override
    public void createTopic(CreateTopicRequest request, StreamObserver<TopicDescription> responses) {
        dev.minikafka.proto.v1.TopicConfig c = request.getConfig();
        TopicSettings settings = new TopicSettings(
                c.hasRetentionMs() ? c.getRetentionMs() : null,
                c.hasRetentionBytes() ? c.getRetentionBytes() : null,
                c.hasSegmentBytes() ? c.getSegmentBytes() : null,
                c.hasSegmentMs() ? c.getSegmentMs() : null,
                c.hasMaxMessageBytes() ? c.getMaxMessageBytes() : null,
                c.hasLogAppendTime() ? c.getLogAppendTime() : null);
        answer(responses, () -> describe(topics.create(request.getName(), request.getPartitions(), settings)));
    }

    @Override
    public void deleteTopic(DeleteTopicRequest request, StreamObserver<DeleteTopicResponse> responses) {
        answer(responses, () -> {
            topics.delete(request.getName());
            return DeleteTopicResponse.getDefaultInstance();
        });
    }

    @Override
    public void listTopics(ListTopicsRequest request, StreamObserver<ListTopicsResponse> responses) {
        ListTopicsResponse.Builder list = ListTopicsResponse.newBuilder();
        for (Topic topic : topics.list()) {
            list.addTopics(TopicSummary.newBuilder().setName(topic.name()).setPartitions(topic.partitionCount()));
        }
        responses.onNext(list.build());
        responses.onCompleted();
    }

    @Override
    public void describeTopic(DescribeTopicRequest request, StreamObserver<TopicDescription> responses) {
        answer(responses, () -> describe(topics.get(request.getName())));
    }

    @Override
    public void listOffsets(ListOffsetsRequest request, StreamObserver<ListOffsetsResponse> responses) {
        ListOffsetsResponse.Builder answers = ListOffsetsResponse.newBuilder();
        for (OffsetQuery query : request.getQueriesList()) {
            answers.addAnswers(answer(query));
        }
        responses.onNext(answers.build());
        responses.onCompleted();
    }

    private OffsetAnswer answer(OffsetQuery query) {
        OffsetAnswer.Builder answer = OffsetAnswer.newBuilder().setTopic(query.getTopic()).setPartition(query.getPartition());
        PartitionData.Builder error = PartitionData.newBuilder();
        Topic topic = reader.resolve(query.getTopic(), query.getPartition(), error);
        if (topic == null) {
            return answer.setErrorCode(error.getErrorCode()).setErrorMessage(error.getErrorMessage()).setOffset(-1).build();
        }
        PartitionLog log = topic.log(query.getPartition());
        long timestamp = query.getTimestamp();
        if (timestamp == FetchReader.EARLIEST || timestamp == FetchReader.LATEST) {
            return answer.setOffset(FetchReader.resolveStart(log, timestamp)).setTimestamp(-1).build();
        }
        if (timestamp < 0) {
            return answer.setErrorCode(ErrorCode.INVALID_REQUEST).setOffset(-1)
                    .setErrorMessage("timestamp must be -2 (earliest), -1 (latest) or a time in epoch milliseconds").build();
        }
        try {
            long end = log.logEndOffset();
            long offset = log.offsetForTimestamp(timestamp);
            // The log answers with its end when no record is that new; the protocol says -1, as Kafka does.
            return answer.setOffset(offset >= end ? -1 : offset).setTimestamp(timestamp).build();
        } catch (IOException | UncheckedIOException e) {
            return answer.setErrorCode(ErrorCode.STORAGE_ERROR).setErrorMessage(e.getMessage()).setOffset(-1).build();
        }
    }

    private static TopicDescription describe(Topic topic) {
        TopicConfig config = topic.config();
        TopicDescription.Builder description = TopicDescription.newBuilder()
                .setName(topic.name())
                .setCreatedAtMs(topic.createdAt().toEpochMilli())
                .setConfig(dev.minikafka.proto.v1.TopicConfig.newBuilder()
                        .setRetentionMs(config.retentionMs())
                        .setRetentionBytes(config.retentionBytes())
                        .setSegmentBytes(config.segmentBytes())
                        .setSegmentMs(config.segmentMs())
                        .setMaxMessageBytes(config.maxMessageBytes())
                        .setLogAppendTime(config.logAppendTime()));
        for (int p = 0; p < topic.partitionCount(); p++) {
            PartitionState state = topic.state(p);
            description.addPartitions(PartitionDescription.newBuilder()
                    .setPartition(p)
                    .setLogStartOffset(state.logStartOffset())
                    .setLogEndOffset(state.logEndOffset())
                    .setSizeBytes(state.sizeBytes())
                    .setSegmentCount(state.segmentCount()));
        }
        return description.build();
    }

    private interface Call<T> {
        T run();
    }

    private static <T> void answer(StreamObserver<T> responses, Call<T> call) {
        T result;
        try {
            result = call.run();
        } catch (TopicException e) {
            responses.onError(ErrorCodes.status(e).asRuntimeException());
            return;
        } catch (UncheckedIOException e) {
            responses.onError(Status.INTERNAL.withDescription("storage error: " + e.getMessage()).asRuntimeException());
            return;
        }
        responses.onNext(result);
        responses.onCompleted();
    }
}
