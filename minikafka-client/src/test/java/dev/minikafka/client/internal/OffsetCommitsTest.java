package dev.minikafka.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.CommitOffsetsRequest;
import dev.minikafka.proto.v1.CommitOffsetsResponse;
import dev.minikafka.proto.v1.GroupsGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;

class OffsetCommitsTest {

    private static final TopicPartition P0 = new TopicPartition("orders", 0);

    /** The offsets of each commit, in the order the broker received them. */
    private final List<Long> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch releaseFirst = new CountDownLatch(1);
    private final ExecutorService calls = Executors.newCachedThreadPool();
    private Server server;
    private ManagedChannel channel;

    /** A Groups service that holds its first commit until released and answers the others at once. */
    private final class HoldingGroups extends GroupsGrpc.GroupsImplBase {
        @Override
        public void commitOffsets(CommitOffsetsRequest request, StreamObserver<CommitOffsetsResponse> responses) {
            received.add(request.getOffsets(0).getOffset());
            if (received.size() == 1) {
                try {
                    releaseFirst.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            responses.onNext(CommitOffsetsResponse.getDefaultInstance());
            responses.onCompleted();
        }
    }

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(new HoldingGroups()).executor(calls).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stop() {
        releaseFirst.countDown();
        channel.shutdownNow();
        server.shutdownNow();
        calls.shutdownNow();
    }

    @Test
    void aCommitThatWaitsIsSentOnlyOnceTheEarlierAsynchronousOneIsAnswered() throws Exception {
        OffsetCommits commits = new OffsetCommits(GroupsGrpc.newStub(channel), 10_000);
        CompletableFuture<Void> asyncAnswered = new CompletableFuture<>();
        commits.commitAsync("g", "m", 1, Map.of(P0, 5L), (offsets, failure) -> asyncAnswered.complete(null));
        CompletableFuture<Void> sync = CompletableFuture.runAsync(() -> commits.commitSync("g", "m", 1, Map.of(P0, 9L)));

        Thread.sleep(300); // time enough for the second commit to arrive, were it sent
        assertThat(received).as("the commit that waits is held back").containsExactly(5L);
        assertThat(sync).isNotDone();

        releaseFirst.countDown();
        sync.get(10, TimeUnit.SECONDS);
        // The callback runs on a gRPC thread after the answer is counted, so it may still be running here.
        asyncAnswered.get(10, TimeUnit.SECONDS);
        assertThat(received).containsExactly(5L, 9L);
    }

    @Test
    void waitingForUnansweredCommitsEndsAtTheRequestTimeout() {
        OffsetCommits commits = new OffsetCommits(GroupsGrpc.newStub(channel), 300);
        // Timed from before the commit is sent: the wait ends at that commit's own deadline, and on a loaded
        // machine the first call on a channel can take a good part of the 300 ms to leave.
        long start = System.nanoTime();
        commits.commitAsync("g", "m", 1, Map.of(P0, 5L), null);

        commits.awaitUnanswered();

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(250L, 5_000L);
    }

    @Test
    void aCommitNotAnsweredByItsDeadlineStaysInFlightAndALaterCallWaitsForItInsteadOfSendingItAgain() {
        OffsetCommits commits = new OffsetCommits(GroupsGrpc.newStub(channel), 10_000);
        Map<TopicPartition, Long> offsets = Map.of(P0, 5L);

        assertThat(commits.commit("g", "m", 1, offsets, System.nanoTime() + 200_000_000L)).isFalse();
        assertThat(commits.commit("g", "m", 1, offsets, System.nanoTime())).isFalse();
        releaseFirst.countDown();
        assertThat(commits.commit("g", "m", 1, offsets, System.nanoTime() + 10_000_000_000L)).isTrue();

        assertThat(received).as("sent once").containsExactly(5L);
        assertThat(commits.changedSinceLastCommit(offsets)).as("known as committed").isEmpty();
    }
}
