package dev.minikafka.broker.grpc;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.minikafka.broker.group.GroupCoordinator;
import dev.minikafka.broker.group.GroupException;
import dev.minikafka.broker.group.MemberSession;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.Assignment;
import dev.minikafka.proto.v1.Heartbeat;
import dev.minikafka.proto.v1.JoinGroup;
import dev.minikafka.proto.v1.SessionRequest;
import dev.minikafka.proto.v1.TopicPartitions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * One member's {@code Groups.Session} stream: turns join, heartbeat and leave messages into coordinator
 * calls, and the coordinator's assignments and fencing into messages on the stream.
 *
 * <p>Thread-safety: requests arrive serially on gRPC's executor; assignments may be pushed from any thread
 * (another member's join, the session sweeper), always under the group's lock. Writes to the response
 * stream are synchronized on this object, which never calls the coordinator while holding it.
 */
final class GroupSessionStream implements StreamObserver<SessionRequest>, MemberSession {

    private static final Logger log = LoggerFactory.getLogger(GroupSessionStream.class);

    private final GroupCoordinator coordinator;
    private final ServerCallStreamObserver<Assignment> responses;
    private String groupId;
    private volatile String memberId;
    private boolean ended;

    GroupSessionStream(GroupCoordinator coordinator, ServerCallStreamObserver<Assignment> responses) {
        this.coordinator = coordinator;
        this.responses = responses;
    }

    @Override
    public void onNext(SessionRequest request) {
        synchronized (this) {
            if (ended) {
                // The broker already ended this session (leave, error, fence): a later join must not add a
                // member whose assignments would go to a closed stream and who would hold partitions until
                // its session timed out.
                return;
            }
        }
        try {
            switch (request.getRequestCase()) {
                case JOIN -> join(request.getJoin());
                case HEARTBEAT -> heartbeat(request.getHeartbeat());
                case LEAVE -> leave();
                default -> throw GroupStatuses.invalid("a session message must be a join, a heartbeat or a leave");
            }
        } catch (GroupException e) {
            end(GroupStatuses.status(e));
            forget(false);
        } catch (StatusRuntimeException e) {
            end(e.getStatus());
            forget(false);
        }
    }

    private void join(JoinGroup join) {
        if (memberId != null) {
            throw GroupStatuses.invalid("this session already joined group '" + groupId + "' as " + memberId);
        }
        groupId = join.getGroupId();
        memberId = coordinator.join(new GroupCoordinator.JoinRequest(join.getGroupId(), join.getTopicsList(),
                join.getInstanceId(), join.getSessionTimeoutMs(), join.getAssignor(), join.getClientId()), this);
    }

    private void heartbeat(Heartbeat heartbeat) {
        String member = memberId;
        if (member == null) {
            throw new StatusRuntimeException(Status.FAILED_PRECONDITION.withDescription(
                    "send a join before heartbeats; this session is not (or no longer) a member"));
        }
        coordinator.heartbeat(groupId, member, heartbeat.getMemberEpoch(), partitions(heartbeat.getOwnedList()));
    }

    private void leave() {
        forget(true);
        synchronized (this) {
            if (!ended) {
                ended = true;
                responses.onCompleted();
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        forget(false); // the stream broke or was cancelled: a dynamic member leaves, a static one may come back
    }

    @Override
    public void onCompleted() {
        forget(false);
        synchronized (this) {
            if (!ended) {
                ended = true;
                responses.onCompleted();
            }
        }
    }

    @Override
    public synchronized void assign(String member, int epoch, Set<TopicPartition> partitions, long heartbeatIntervalMs,
            long sessionTimeoutMs) {
        if (ended) {
            return;
        }
        Assignment.Builder assignment = Assignment.newBuilder().setMemberId(member).setMemberEpoch(epoch)
                .setHeartbeatIntervalMs((int) heartbeatIntervalMs).setSessionTimeoutMs((int) sessionTimeoutMs);
        Map<String, TopicPartitions.Builder> byTopic = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            byTopic.computeIfAbsent(tp.topic(), t -> TopicPartitions.newBuilder().setTopic(t)).addPartitions(tp.partition());
        }
        byTopic.values().forEach(assignment::addPartitions);
        try {
            responses.onNext(assignment.build());
        } catch (RuntimeException e) {
            log.debug("Could not send an assignment to member {}: {}", member, e.getMessage());
        }
    }

    @Override
    public void fence(String reason) {
        memberId = null; // the coordinator already removed it
        end(Status.FAILED_PRECONDITION.withDescription(reason));
    }

    private synchronized void end(Status status) {
        if (!ended) {
            ended = true;
            try {
                responses.onError(status.asRuntimeException());
            } catch (RuntimeException e) {
                log.debug("Could not end a group session: {}", e.getMessage());
            }
        }
    }

    /** Removes the member from its group once, however the session ends. */
    private void forget(boolean leaving) {
        String member = memberId;
        memberId = null;
        if (member != null) {
            coordinator.disconnect(groupId, member, leaving);
        }
    }

    static Set<TopicPartition> partitions(Iterable<TopicPartitions> list) {
        Set<TopicPartition> set = new HashSet<>();
        for (TopicPartitions tps : list) {
            for (int p : tps.getPartitionsList()) {
                if (p < 0) {
                    throw GroupStatuses.invalid("partition numbers must not be negative: " + tps.getTopic() + "-" + p);
                }
                set.add(new TopicPartition(tps.getTopic(), p));
            }
        }
        return set;
    }
}
