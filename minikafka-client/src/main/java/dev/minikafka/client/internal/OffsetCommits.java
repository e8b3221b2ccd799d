package dev.minikafka.client.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.OffsetCommitCallback;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.CommitOffsetsRequest;
import dev.minikafka.proto.v1.CommitOffsetsResponse;
import dev.minikafka.proto.v1.CommittedOffset;
import dev.minikafka.proto.v1.FetchOffsetsRequest;
import dev.minikafka.proto.v1.FetchOffsetsResponse;
import dev.minikafka.proto.v1.GroupsGrpc;
import dev.minikafka.proto.v1.OffsetCommit;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/**
 * A consumer's offset commits and look-ups ({@code Groups.CommitOffsets}, {@code Groups.FetchOffsets}),
 * and what it last committed, so auto-commit sends only partitions that moved. As in Kafka, a commit that
 * waits (and the consumer's close) first waits for the answers to the commits sent without waiting: an older
 * asynchronous commit can then not land after a newer one, nor reach the broker after the member has left the
 * group, where it would be refused. Internal API.
 */
public final class OffsetCommits {

    private static final Logger log = LoggerFactory.getLogger(OffsetCommits.class);

    private final GroupsGrpc.GroupsStub stub;
    private final long timeoutMs;
    /** Last offset stored per partition; written by gRPC threads on async success. */
    private final Map<TopicPartition, Long> lastCommitted = new ConcurrentHashMap<>();
    /** Commits sent without waiting and not answered yet; guarded by {@code this}. */
    private int unanswered;
    /** The look-up and the commit a group assignment waits for, kept across polls until answered; poll thread only. */
    private final InFlight<LookupKey, FetchOffsetsResponse> lookup = new InFlight<>();
    private final InFlight<CommitKey, CommitOffsetsResponse> commit = new InFlight<>();

    /** A look-up for a member's assignment: one sent for an older epoch may predate a commit of its new partitions. */
    private record LookupKey(String group, Set<TopicPartition> partitions, String memberId, int epoch) {
    }

    private record CommitKey(String group, String memberId, int epoch, Map<TopicPartition, Long> offsets) {
    }

    public OffsetCommits(GroupsGrpc.GroupsStub stub, long timeoutMs) {
        this.stub = stub;
        this.timeoutMs = timeoutMs;
    }

    public void commitSync(String group, String memberId, int epoch, Map<TopicPartition, Long> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        awaitUnanswered();
        try {
            blocking().commitOffsets(request(group, memberId, epoch, offsets));
            lastCommitted.putAll(offsets);
        } catch (StatusRuntimeException e) {
            throw Statuses.toException(e);
        }
    }

    public void commitAsync(String group, String memberId, int epoch, Map<TopicPartition, Long> offsets,
            OffsetCommitCallback callback) {
        if (offsets.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> copy = Map.copyOf(offsets);
        synchronized (this) {
            unanswered++;
        }
        stub.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS).commitOffsets(request(group, memberId, epoch, copy),
                new StreamObserver<>() {
                    @Override
                    public void onNext(CommitOffsetsResponse response) {
                    }

                    @Override
                    public void onError(Throwable t) {
                        answered();
                        MiniKafkaException e = Statuses.toException(t);
                        if (callback != null) {
                            callback.onComplete(copy, e);
                        } else {
                            log.warn("Offset commit for group '{}' failed: {}", group, e.getMessage());
                        }
                    }

                    @Override
                    public void onCompleted() {
                        copy.forEach((tp, offset) -> lastCommitted.merge(tp, offset, Math::max));
                        answered(); // before the callback, which may itself commit and wait
                        if (callback != null) {
                            callback.onComplete(copy, null);
                        }
                    }
                });
    }

    /**
     * Commits as a group assignment is applied (before partitions are revoked), waiting at most until
     * {@code deadlineNanos}, first for the answers to the commits sent without waiting, then for this one's.
     * Returns true once stored, false if not answered by then: the commit stays in flight (up to the request
     * timeout), and a later call with the same arguments waits for its answer instead of sending it again.
     *
     * @throws MiniKafkaException the broker refused it or could not store it (then a later call sends it again)
     */
    public boolean commit(String group, String memberId, int epoch, Map<TopicPartition, Long> offsets, long deadlineNanos) {
        if (offsets.isEmpty()) {
            return true;
        }
        CommitKey key = new CommitKey(group, memberId, epoch, Map.copyOf(offsets));
        if (!commit.isSent(key) && !awaitUnanswered(deadlineNanos)) {
            return false;
        }
        CommitOffsetsResponse answer = commit.await(key,
                () -> future().commitOffsets(request(group, memberId, epoch, key.offsets())), deadlineNanos);
        if (answer == null) {
            return false;
        }
        lastCommitted.putAll(key.offsets());
        return true;
    }

    /**
     * Waits until the broker has answered every commit sent without waiting, at most the request timeout
     * (each such commit's own deadline).
     */
    public void awaitUnanswered() {
        if (!awaitUnanswered(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs))) {
            log.warn("Offset commit(s) sent without waiting were not answered within {} ms", timeoutMs);
        }
    }

    /** Whether every commit sent without waiting was answered by {@code deadlineNanos}. */
    private synchronized boolean awaitUnanswered(long deadlineNanos) {
        try {
            while (unanswered > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private synchronized void answered() {
        unanswered--;
        notifyAll();
    }

    /** The group's committed offsets for these partitions; partitions without one are left out. */
    public Map<TopicPartition, Long> committed(String group, Set<TopicPartition> partitions) {
        try {
            return offsetsIn(blocking().fetchOffsets(lookupRequest(group, partitions)));
        } catch (StatusRuntimeException e) {
            throw Statuses.toException(e);
        }
    }

    /**
     * The group's committed offsets for partitions assigned to the member in {@code epoch}, waiting at most until
     * {@code deadlineNanos}; null if not answered by then: the look-up stays in flight (up to the request
     * timeout), and a later call with the same arguments waits for its answer instead of sending it again.
     *
     * @throws MiniKafkaException the look-up failed (then a later call sends it again)
     */
    public Map<TopicPartition, Long> committed(String group, Set<TopicPartition> partitions, String memberId, int epoch,
            long deadlineNanos) {
        LookupKey key = new LookupKey(group, Set.copyOf(partitions), memberId, epoch);
        FetchOffsetsResponse answer = lookup.await(key, () -> future().fetchOffsets(lookupRequest(group, partitions)),
                deadlineNanos);
        return answer == null ? null : offsetsIn(answer);
    }

    /** Cancels the look-up and the commit an assignment waits for: the session that sent the assignment ended. */
    public void cancelInFlight() {
        lookup.cancel();
        commit.cancel();
    }

    private Map<TopicPartition, Long> offsetsIn(FetchOffsetsResponse response) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (CommittedOffset c : response.getOffsetsList()) {
            TopicPartition tp = new TopicPartition(c.getTopic(), c.getPartition());
            offsets.put(tp, c.getOffset());
            lastCommitted.put(tp, c.getOffset());
        }
        return offsets;
    }

    private static FetchOffsetsRequest lookupRequest(String group, Set<TopicPartition> partitions) {
        return FetchOffsetsRequest.newBuilder().setGroupId(group).addAllPartitions(GroupMembership.byTopic(partitions)).build();
    }

    /** The positions that differ from what was last committed. */
    public Map<TopicPartition, Long> changedSinceLastCommit(Map<TopicPartition, Long> positions) {
        Map<TopicPartition, Long> changed = new HashMap<>();
        positions.forEach((tp, position) -> {
            if (!position.equals(lastCommitted.get(tp))) {
                changed.put(tp, position);
            }
        });
        return changed;
    }

    /** The partition is no longer read here. */
    public void forget(TopicPartition partition) {
        lastCommitted.remove(partition);
    }

    private GroupsGrpc.GroupsBlockingStub blocking() {
        return GroupsGrpc.newBlockingStub(stub.getChannel()).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private GroupsGrpc.GroupsFutureStub future() {
        return GroupsGrpc.newFutureStub(stub.getChannel()).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private static CommitOffsetsRequest request(String group, String memberId, int epoch, Map<TopicPartition, Long> offsets) {
        CommitOffsetsRequest.Builder request = CommitOffsetsRequest.newBuilder().setGroupId(group)
                .setMemberId(memberId).setMemberEpoch(epoch);
        offsets.forEach((tp, offset) -> request.addOffsets(OffsetCommit.newBuilder()
                .setTopic(tp.topic()).setPartition(tp.partition()).setOffset(offset)));
        return request.build();
    }
}
