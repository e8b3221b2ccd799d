package dev.minikafka.broker.group;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import dev.minikafka.client.TopicPartition;
import dev.minikafka.client.internal.GroupMembership;
import dev.minikafka.proto.v1.Assignment;
import dev.minikafka.proto.v1.GroupMember;
import dev.minikafka.proto.v1.GroupsGrpc;
import dev.minikafka.proto.v1.Heartbeat;
import dev.minikafka.proto.v1.JoinGroup;
import dev.minikafka.proto.v1.LeaveGroup;
import dev.minikafka.proto.v1.SessionRequest;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/**
 * One {@code Groups.Session} stream driven by hand, as a test plays a group member message by message:
 * every assignment the broker pushes is queued, and how the stream ended is kept. Nothing is sent on its
 * own (no heartbeat thread), so a test decides exactly what the broker hears.
 */
final class RawSession implements AutoCloseable {

    private final BlockingQueue<Assignment> assignments = new LinkedBlockingQueue<>();
    private final CompletableFuture<Status> ended = new CompletableFuture<>();
    private final ClientCallStreamObserver<SessionRequest> requests;
    private volatile Assignment last;

    private RawSession(Channel channel) {
        CompletableFuture<ClientCallStreamObserver<SessionRequest>> stream = new CompletableFuture<>();
        GroupsGrpc.newStub(channel).session(new ClientResponseObserver<SessionRequest, Assignment>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<SessionRequest> requestStream) {
                stream.complete(requestStream);
            }

            @Override
            public void onNext(Assignment assignment) {
                last = assignment;
                assignments.add(assignment);
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                ended.complete(Status.OK);
            }
        });
        this.requests = stream.join();
    }

    /** Opens a session and sends {@code join}. */
    static RawSession join(Channel channel, JoinGroup join) {
        RawSession session = new RawSession(channel);
        session.send(SessionRequest.newBuilder().setJoin(join).build());
        return session;
    }

    static RawSession open(Channel channel) {
        return new RawSession(channel);
    }

    static JoinGroup.Builder joinRequest(String group, String... topics) {
        return JoinGroup.newBuilder().setGroupId(group).addAllTopics(List.of(topics)).setClientId("raw-test");
    }

    synchronized void send(SessionRequest request) {
        requests.onNext(request);
    }

    /** Reports the partitions this member still reads, at its current epoch. */
    void heartbeat(Collection<TopicPartition> owned) {
        heartbeat(last == null ? 0 : last.getMemberEpoch(), owned);
    }

    void heartbeat(int epoch, Collection<TopicPartition> owned) {
        Heartbeat.Builder beat = Heartbeat.newBuilder().setMemberEpoch(epoch);
        GroupMembership.byTopic(owned).forEach(beat::addOwned);
        send(SessionRequest.newBuilder().setHeartbeat(beat).build());
    }

    void leave() {
        send(SessionRequest.newBuilder().setLeave(LeaveGroup.getDefaultInstance()).build());
    }

    /** Breaks the stream without a goodbye, as a dropped connection does. */
    void cancel() {
        requests.cancel("test breaks the session", null);
    }

    /** The next assignment, waiting up to {@code timeout}; fails the test when none comes. */
    Assignment next(Duration timeout) {
        try {
            Assignment a = assignments.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (a == null) {
                throw new AssertionError("no assignment within " + timeout + "; stream ended: " + ended.getNow(null));
            }
            return a;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Skips assignments until one matches; fails the test when none does within {@code timeout}. */
    Assignment awaitAssignment(Predicate<Assignment> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching assignment within " + timeout + "; last: " + last
                        + "; stream ended: " + ended.getNow(null));
            }
            Assignment a = next(Duration.ofNanos(left));
            if (wanted.test(a)) {
                return a;
            }
        }
    }

    /** An assignment already queued, without waiting; null when none. */
    Assignment pending() {
        return assignments.poll();
    }

    Assignment last() {
        return last;
    }

    Set<TopicPartition> owned() {
        return last == null ? Set.of() : GroupMembership.partitions(last);
    }

    GroupMember member(String group) {
        return GroupMember.newBuilder().setGroupId(group).setMemberId(last.getMemberId())
                .setMemberEpoch(last.getMemberEpoch()).build();
    }

    /** How the stream ended, waiting up to {@code timeout}; fails the test when it is still open. */
    Status awaitEnd(Duration timeout) {
        try {
            return ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the session stream is still open after " + timeout);
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    boolean isEnded() {
        return ended.isDone();
    }

    @Override
    public void close() {
        if (!ended.isDone()) {
            cancel();
        }
    }

    static Set<TopicPartition> partitions(Assignment assignment) {
        return GroupMembership.partitions(assignment);
    }
}
