package dev.minikafka.broker.grpc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;

import org.springframework.stereotype.Service;

import dev.minikafka.broker.group.CommittedOffset;
import dev.minikafka.broker.group.GroupCoordinator;
import dev.minikafka.broker.group.GroupException;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.Assignment;
import dev.minikafka.proto.v1.CommitOffsetsRequest;
import dev.minikafka.proto.v1.CommitOffsetsResponse;
import dev.minikafka.proto.v1.FetchOffsetsRequest;
import dev.minikafka.proto.v1.FetchOffsetsResponse;
import dev.minikafka.proto.v1.GroupsGrpc;
import dev.minikafka.proto.v1.OffsetCommit;
import dev.minikafka.proto.v1.SessionRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** {@code minikafka.v1.Groups}: member sessions, offset commits and offset look-ups over the {@link GroupCoordinator}. */
@Service
public class GroupsGrpcService extends GroupsGrpc.GroupsImplBase {

    private final GroupCoordinator coordinator;

    public GroupsGrpcService(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public StreamObserver<SessionRequest> session(StreamObserver<Assignment> responses) {
        return new GroupSessionStream(coordinator, (ServerCallStreamObserver<Assignment>) responses);
    }

    @Override
    public void commitOffsets(CommitOffsetsRequest request, StreamObserver<CommitOffsetsResponse> responses) {
        Map<TopicPartition, CommittedOffset> offsets = new LinkedHashMap<>();
        try {
            for (OffsetCommit c : request.getOffsetsList()) {
                if (c.getPartition() < 0) {
                    throw GroupStatuses.invalid("partition numbers must not be negative: " + c.getTopic() + "-" + c.getPartition());
                }
                offsets.put(new TopicPartition(c.getTopic(), c.getPartition()),
                        new CommittedOffset(c.getOffset(), c.getMetadata(), 0));
            }
            coordinator.commit(request.getGroupId(), request.getMemberId(), request.getMemberEpoch(), offsets)
                    .whenComplete((ok, failure) -> {
                        if (failure == null) {
                            responses.onNext(CommitOffsetsResponse.getDefaultInstance());
                            responses.onCompleted();
                        } else {
                            responses.onError(toStatus(failure).asRuntimeException());
                        }
                    });
        } catch (RuntimeException e) {
            responses.onError(toStatus(e).asRuntimeException());
        }
    }

    @Override
    public void fetchOffsets(FetchOffsetsRequest request, StreamObserver<FetchOffsetsResponse> responses) {
        try {
            Set<TopicPartition> wanted = GroupSessionStream.partitions(request.getPartitionsList());
            FetchOffsetsResponse.Builder answer = FetchOffsetsResponse.newBuilder();
            coordinator.committed(request.getGroupId()).forEach((tp, c) -> {
                if (wanted.isEmpty() || wanted.contains(tp)) {
                    answer.addOffsets(dev.minikafka.proto.v1.CommittedOffset.newBuilder().setTopic(tp.topic())
                            .setPartition(tp.partition()).setOffset(c.offset())
                            .setMetadata(c.metadata() == null ? "" : c.metadata()).setCommitTimeMs(c.commitTimeMs()));
                }
            });
            responses.onNext(answer.build());
            responses.onCompleted();
        } catch (RuntimeException e) {
            responses.onError(toStatus(e).asRuntimeException());
        }
    }

    private static Status toStatus(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof GroupException e) {
            return GroupStatuses.status(e);
        }
        if (cause instanceof StatusRuntimeException e) {
            return e.getStatus();
        }
        return Status.INTERNAL.withDescription(String.valueOf(cause.getMessage()));
    }
}
