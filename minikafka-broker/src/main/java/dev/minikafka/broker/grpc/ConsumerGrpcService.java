package dev.minikafka.broker.grpc;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;

import dev.minikafka.broker.config.BrokerProperties;
import dev.minikafka.broker.group.GroupCoordinator;
import dev.minikafka.broker.group.GroupException;
import dev.minikafka.broker.metrics.BrokerMetrics;
import dev.minikafka.broker.quota.QuotaManager;
import dev.minikafka.broker.topic.TopicRegistry;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.ConsumerGrpc;
import dev.minikafka.proto.v1.FetchPartition;
import dev.minikafka.proto.v1.FetchRequest;
import dev.minikafka.proto.v1.FetchResponse;
import dev.minikafka.proto.v1.GroupMember;
import dev.minikafka.proto.v1.PartitionData;
import dev.minikafka.proto.v1.SubscribeRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * {@code minikafka.v1.Consumer}: long-poll {@code Fetch} ({@link DelayedFetch}) and the flow-controlled
 * {@code Subscribe} stream ({@link SubscribeStream}).
 */
@Service
public class ConsumerGrpcService extends ConsumerGrpc.ConsumerImplBase implements DisposableBean {

    /** Fetch bound when the request leaves max_bytes at 0, and the cap on any one response. */
    static final int DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
    static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
    static final int DEFAULT_PARTITION_MAX_BYTES = 1024 * 1024;
    static final int MAX_PARTITIONS_PER_FETCH = 10_000;

    private final FetchReader reader;
    private final BrokerMetrics metrics;
    private final GroupCoordinator groups;
    private final QuotaManager quotas;
    private final long maxWaitMs;
    /** Runs long-poll timeouts and the re-reads that appends trigger, off the writers' threads. */
    private final ScheduledExecutorService scheduler;

    public ConsumerGrpcService(TopicRegistry topics, BrokerMetrics metrics, BrokerProperties properties,
            GroupCoordinator groups, QuotaManager quotas) {
        this.quotas = quotas;
        this.reader = new FetchReader(topics, metrics);
        this.groups = groups;
        this.metrics = metrics;
        this.maxWaitMs = properties.maxFetchWait().toMillis();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(2, runnable -> {
            Thread thread = new Thread(runnable, "minikafka-fetch");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.scheduler = executor;
    }

    @Override
    public void fetch(FetchRequest request, StreamObserver<FetchResponse> responseObserver) {
        String problem = validate(request);
        if (problem != null) {
            responseObserver.onError(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
            return;
        }
        if (request.hasMember() && !owns(request.getMember(), request.getPartitionsList().stream()
                .map(p -> new TopicPartition(p.getTopic(), p.getPartition())).toList(), responseObserver)) {
            return;
        }
        int maxBytes = request.getMaxBytes() == 0 ? DEFAULT_MAX_BYTES : Math.min(request.getMaxBytes(), MAX_RESPONSE_BYTES);
        long waitMs = Math.min(request.getMaxWaitMs(), maxWaitMs);
        new DelayedFetch(request, maxBytes, waitMs, reader, scheduler,
                (ServerCallStreamObserver<FetchResponse>) responseObserver).start();
    }

    @Override
    public void subscribe(SubscribeRequest request, StreamObserver<PartitionData> responseObserver) {
        if (request.getOffset() < FetchReader.EARLIEST) {
            responseObserver.onError(Status.INVALID_ARGUMENT
                    .withDescription("offset must be >= 0, or -2 (earliest) or -1 (latest); got " + request.getOffset())
                    .asRuntimeException());
            return;
        }
        if (request.getMaxBytes() < 0) {
            responseObserver.onError(Status.INVALID_ARGUMENT
                    .withDescription("max_bytes must not be negative").asRuntimeException());
            return;
        }
        int maxBytes = request.getMaxBytes() == 0 ? DEFAULT_PARTITION_MAX_BYTES : Math.min(request.getMaxBytes(), MAX_RESPONSE_BYTES);
        SubscribeStream stream = new SubscribeStream(request.getTopic(), request.getPartition(), request.getOffset(),
                maxBytes, reader, metrics, scheduler, quotas, (ServerCallStreamObserver<PartitionData>) responseObserver);
        if (request.hasMember() && !readAsMember(request, stream, responseObserver)) {
            return;
        }
        stream.start();
    }

    /** A group member may read only partitions it owns; the stream ends when it stops owning it. */
    private boolean readAsMember(SubscribeRequest request, SubscribeStream stream, StreamObserver<?> responses) {
        GroupMember member = request.getMember();
        TopicPartition partition = new TopicPartition(request.getTopic(), Math.max(0, request.getPartition()));
        Runnable fence = () -> stream.fence("member " + member.getMemberId() + " of group '" + member.getGroupId()
                + "' no longer owns " + partition);
        try {
            groups.addReader(member.getGroupId(), member.getMemberId(), member.getMemberEpoch(), partition, fence);
        } catch (GroupException e) {
            responses.onError(GroupStatuses.status(e).asRuntimeException());
            return false;
        }
        stream.onClose(() -> groups.removeReader(member.getGroupId(), member.getMemberId(), partition, fence));
        return true;
    }

    private boolean owns(GroupMember member, List<TopicPartition> partitions, StreamObserver<?> responses) {
        try {
            groups.checkOwned(member.getGroupId(), member.getMemberId(), member.getMemberEpoch(), partitions);
            return true;
        } catch (GroupException e) {
            responses.onError(GroupStatuses.status(e).asRuntimeException());
            return false;
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String validate(FetchRequest request) {
        if (request.getMaxWaitMs() < 0 || request.getMinBytes() < 0 || request.getMaxBytes() < 0) {
            return "max_wait_ms, min_bytes and max_bytes must not be negative";
        }
        if (request.getPartitionsCount() == 0) {
            return "the fetch names no partitions";
        }
        if (request.getPartitionsCount() > MAX_PARTITIONS_PER_FETCH) {
            return "a fetch may name at most " + MAX_PARTITIONS_PER_FETCH + " partitions";
        }
        for (FetchPartition partition : request.getPartitionsList()) {
            if (partition.getPartition() < 0) {
                return "partition must not be negative (topic " + partition.getTopic() + ", partition "
                        + partition.getPartition() + ")";
            }
            if (partition.getFetchOffset() < 0) {
                return "fetch_offset must not be negative (topic " + partition.getTopic() + ", partition "
                        + partition.getPartition() + ", offset " + partition.getFetchOffset()
                        + "); use ListOffsets to resolve earliest or latest";
            }
            if (partition.getPartitionMaxBytes() < 0) {
                return "partition_max_bytes must not be negative";
            }
        }
        return null;
    }
}
