package dev.minikafka.client.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.Assignment;
import dev.minikafka.proto.v1.GroupMember;
import dev.minikafka.proto.v1.GroupsGrpc;
import dev.minikafka.proto.v1.Heartbeat;
import dev.minikafka.proto.v1.JoinGroup;
import dev.minikafka.proto.v1.LeaveGroup;
import dev.minikafka.proto.v1.SessionRequest;
import dev.minikafka.proto.v1.TopicPartitions;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/**
 * A consumer's membership in a group: its {@code Groups.Session} stream, the heartbeats on it, and the
 * assignments the broker pushes. The consumer's poll thread takes each new assignment
 * ({@link #takeAssignment}) and confirms it once it has let go of revoked partitions ({@link #confirm});
 * until then the broker keeps those partitions from their new owner.
 *
 * <p>Thread-safety: gRPC threads deliver assignments and failures into atomics and wake the poll thread;
 * the shared heartbeat thread and the poll thread send on the stream under this object's lock.
 * Internal API.
 */
public final class GroupMembership implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupMembership.class);
    /** Heartbeats of every consumer in the process: tiny tasks, one daemon thread. */
    private static final ScheduledExecutorService HEARTBEATS = heartbeatThread();

    /** What the member asks for when it joins. */
    public record Settings(String groupId, List<String> topics, String instanceId, int sessionTimeoutMs,
                           String assignor, String clientId) {
    }

    private final GroupsGrpc.GroupsStub stub;
    private final Settings settings;
    private final Runnable wakeup;
    private final AtomicReference<Assignment> pending = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private ClientCallStreamObserver<SessionRequest> requests;
    /** The live session; an older one, replaced by a rejoin, is ignored. */
    private Session session;
    private ScheduledFuture<?> heartbeat;
    private long heartbeatIntervalMs;
    private volatile String memberId = "";
    private volatile int epoch;
    private volatile Set<TopicPartition> owned = Set.of();
    private boolean closed;

    /** @param wakeup wakes the poll thread when an assignment or a failure arrives */
    public GroupMembership(GroupsGrpc.GroupsStub stub, Settings settings, Runnable wakeup) {
        this.stub = stub;
        this.settings = settings;
        this.wakeup = wakeup;
    }

    public String groupId() {
        return settings.groupId();
    }

    /** Opens a new session and joins; the first assignment arrives through {@link #takeAssignment}. */
    public synchronized void join() {
        failure.set(null);
        pending.set(null); // an assignment the ended session left untaken is not this session's
        memberId = "";
        epoch = 0;
        owned = Set.of();
        session = new Session();
        stub.session(session);
        requests.onNext(SessionRequest.newBuilder().setJoin(JoinGroup.newBuilder()
                .setGroupId(settings.groupId()).addAllTopics(settings.topics())
                .setInstanceId(settings.instanceId() == null ? "" : settings.instanceId())
                .setSessionTimeoutMs(settings.sessionTimeoutMs()).setAssignor(settings.assignor())
                .setClientId(settings.clientId())).build());
    }

    /** The newest assignment not taken yet, or null. Only the newest matters: each one is complete. */
    public Assignment takeAssignment() {
        return pending.getAndSet(null);
    }

    /**
     * Gives back an assignment the consumer could not apply (a failed offset look-up or commit), so that the
     * next poll applies it again; not when a newer one arrived meanwhile or the session that sent it ended.
     */
    public synchronized void retake(Assignment assignment) {
        if (!closed && assignment.getMemberId().equals(memberId)) {
            pending.compareAndSet(null, assignment);
        }
    }

    /** Why the session ended, once; null while it is alive. The consumer then drops its partitions and rejoins. */
    public Throwable takeFailure() {
        return failure.getAndSet(null);
    }

    /** The consumer now reads exactly {@code partitions} in {@code memberEpoch}: tell the broker at once. */
    public void confirm(int memberEpoch, Set<TopicPartition> partitions) {
        epoch = memberEpoch;
        owned = Set.copyOf(partitions);
        sendHeartbeat();
    }

    /** Who reads, for the broker's fencing of Subscribe streams and commits. */
    public GroupMember member() {
        return GroupMember.newBuilder().setGroupId(settings.groupId()).setMemberId(memberId).setMemberEpoch(epoch).build();
    }

    public String memberId() {
        return memberId;
    }

    public int epoch() {
        return epoch;
    }

    /** Leaves the group: the broker hands this member's partitions to the others at once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        cancelHeartbeat();
        if (requests != null) {
            try {
                requests.onNext(SessionRequest.newBuilder().setLeave(LeaveGroup.getDefaultInstance()).build());
                requests.onCompleted();
            } catch (RuntimeException e) {
                log.debug("Could not say goodbye to group {}: {}", settings.groupId(), e.getMessage());
            }
        }
    }

    private synchronized void sendHeartbeat() {
        if (closed || requests == null || memberId.isEmpty()) {
            return;
        }
        Map<String, TopicPartitions.Builder> byTopic = new TreeMap<>();
        for (TopicPartition tp : owned) {
            byTopic.computeIfAbsent(tp.topic(), t -> TopicPartitions.newBuilder().setTopic(t)).addPartitions(tp.partition());
        }
        Heartbeat.Builder beat = Heartbeat.newBuilder().setMemberEpoch(epoch);
        byTopic.values().forEach(beat::addOwned);
        try {
            requests.onNext(SessionRequest.newBuilder().setHeartbeat(beat).build());
        } catch (RuntimeException e) {
            log.debug("Heartbeat to group {} failed: {}", settings.groupId(), e.getMessage());
        }
    }

    private synchronized void scheduleHeartbeats(long intervalMs) {
        if (closed || intervalMs == heartbeatIntervalMs && heartbeat != null) {
            return;
        }
        cancelHeartbeat();
        heartbeatIntervalMs = intervalMs;
        heartbeat = HEARTBEATS.scheduleWithFixedDelay(this::sendHeartbeat, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void cancelHeartbeat() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
            heartbeat = null;
        }
    }

    /** Partitions of an assignment, as a set. */
    public static Set<TopicPartition> partitions(Assignment assignment) {
        Set<TopicPartition> set = new HashSet<>();
        for (TopicPartitions tps : assignment.getPartitionsList()) {
            for (int p : tps.getPartitionsList()) {
                set.add(new TopicPartition(tps.getTopic(), p));
            }
        }
        return set;
    }

    /** Groups partitions by topic, as the protocol lists them. */
    public static Collection<TopicPartitions> byTopic(Collection<TopicPartition> partitions) {
        Map<String, TopicPartitions.Builder> byTopic = new HashMap<>();
        for (TopicPartition tp : partitions) {
            byTopic.computeIfAbsent(tp.topic(), t -> TopicPartitions.newBuilder().setTopic(t)).addPartitions(tp.partition());
        }
        return byTopic.values().stream().map(TopicPartitions.Builder::build).toList();
    }

    private static ScheduledExecutorService heartbeatThread() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "minikafka-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** One session stream. */
    private final class Session implements ClientResponseObserver<SessionRequest, Assignment> {

        @Override
        public void beforeStart(ClientCallStreamObserver<SessionRequest> stream) {
            requests = stream; // runs inside stub.session(), under the membership's lock
        }

        private boolean current() {
            synchronized (GroupMembership.this) {
                return !closed && session == this;
            }
        }

        @Override
        public void onNext(Assignment assignment) {
            synchronized (GroupMembership.this) {
                if (!current()) { // checked and set under the lock join() takes, so an ended session's last
                    return;      // assignment cannot land after join() cleared it
                }
                memberId = assignment.getMemberId();
                pending.set(assignment);
            }
            scheduleHeartbeats(Math.max(10, assignment.getHeartbeatIntervalMs()));
            wakeup.run();
        }

        @Override
        public void onError(Throwable t) {
            ended(t);
        }

        @Override
        public void onCompleted() {
            ended(io.grpc.Status.UNAVAILABLE.withDescription("the broker ended the group session").asRuntimeException());
        }

        private void ended(Throwable t) {
            synchronized (GroupMembership.this) {
                if (closed || session != this) {
                    return;
                }
                cancelHeartbeat();
                requests = null;
            }
            failure.set(t);
            wakeup.run();
        }
    }
}
