package dev.minikafka.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.minikafka.broker.support.BrokerOverLoopback;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.Assignment;
import dev.minikafka.proto.v1.CommitOffsetsRequest;
import dev.minikafka.proto.v1.ConsumerGrpc;
import dev.minikafka.proto.v1.FetchOffsetsRequest;
import dev.minikafka.proto.v1.FetchPartition;
import dev.minikafka.proto.v1.FetchRequest;
import dev.minikafka.proto.v1.GroupMember;
import dev.minikafka.proto.v1.GroupsGrpc;
import dev.minikafka.proto.v1.OffsetCommit;
import dev.minikafka.proto.v1.PartitionData;
import dev.minikafka.proto.v1.SubscribeRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/**
 * The group protocol's fencing and validation, spoken message by message over raw gRPC stubs
 * ({@link RawSession}), so that every assertion is about what the broker does, not what the client
 * library chooses to send. Each test uses its own topic and group on one broker.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GroupFencingTest extends BrokerOverLoopback {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private static ManagedChannel channel;
    private static GroupCoordinator coordinator;

    @BeforeAll
    static void connect() {
        channel = Grpc.newChannelBuilder(bootstrap, InsecureChannelCredentials.create()).build();
        coordinator = broker.getBean(GroupCoordinator.class);
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    // ---- reads ---------------------------------------------------------------------------------------

    @Test
    void aMemberReadsOnlyWhatItOwnsAndItsStreamsOfRevokedPartitionsEndOnceItConfirms() {
        admin.createTopic("fence-read", 4);
        Set<TopicPartition> all = partitions("fence-read", 4);
        try (RawSession a = RawSession.join(channel, RawSession.joinRequest("g-read", "fence-read").build())) {
            assertThat(RawSession.partitions(a.next(WAIT))).isEqualTo(all);
            GroupMember memberA = a.member("g-read");
            java.util.Map<TopicPartition, Reader> readsOfA = new java.util.HashMap<>();
            all.forEach(tp -> readsOfA.put(tp, Reader.open(tp, memberA)));

            try (RawSession b = RawSession.join(channel, RawSession.joinRequest("g-read", "fence-read").build())) {
                Set<TopicPartition> kept = RawSession.partitions(a.next(WAIT)); // the revocation: same epoch, fewer partitions
                assertThat(a.last().getMemberEpoch()).isEqualTo(memberA.getMemberEpoch());
                assertThat(kept).hasSize(2);
                Set<TopicPartition> revoked = minus(all, kept);
                Assignment firstOfB = b.next(WAIT);
                assertThat(RawSession.partitions(firstOfB)).as("B gets nothing while A still holds the revoked partitions").isEmpty();
                GroupMember memberB = b.member("g-read");
                TopicPartition moving = revoked.iterator().next();

                assertThat(Reader.open(moving, memberB).awaitEnd(WAIT).getCode())
                        .as("B may not read a partition A has not let go of yet").isEqualTo(Status.Code.FAILED_PRECONDITION);
                revoked.forEach(tp -> assertThat(readsOfA.get(tp).isEnded())
                        .as("A keeps reading %s until it confirms the revocation", tp).isFalse());

                a.heartbeat(kept); // confirms: A no longer lists the revoked partitions
                for (TopicPartition tp : revoked) {
                    Status end = readsOfA.get(tp).awaitEnd(WAIT);
                    assertThat(end.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(end.getDescription()).contains("no longer owns").contains(tp.toString());
                }
                Assignment handedOver = b.awaitAssignment(x -> !RawSession.partitions(x).isEmpty(), WAIT);
                assertThat(RawSession.partitions(handedOver)).isEqualTo(revoked);
                assertThat(handedOver.getMemberEpoch()).isEqualTo(firstOfB.getMemberEpoch() + 1);

                Status refused = Reader.open(moving, memberA).awaitEnd(WAIT);
                assertThat(refused.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                assertThat(refused.getDescription()).contains("does not own " + moving);
                assertThatThrownBy(() -> ConsumerGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .fetch(FetchRequest.newBuilder().setMember(memberA).addPartitions(FetchPartition.newBuilder()
                                .setTopic(moving.topic()).setPartition(moving.partition())).build()))
                        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));

                // What is still owned keeps streaming, and the new owner reads what it was given.
                Reader newOwner = Reader.open(moving, b.member("g-read"));
                TopicPartition keptPartition = kept.iterator().next();
                produce(keptPartition, "still A's");
                produce(moving, "now B's");
                assertThat(readsOfA.get(keptPartition).awaitData(WAIT)).isTrue();
                assertThat(newOwner.awaitData(WAIT)).isTrue();
                kept.forEach(tp -> assertThat(readsOfA.get(tp).isEnded()).isFalse());
                newOwner.cancel();
            }
            readsOfA.values().forEach(Reader::cancel);
        }
    }

    // ---- commits -------------------------------------------------------------------------------------

    @Test
    void commitsAreFencedByMemberIdEpochAndOwnership() {
        admin.createTopic("fence-commit", 4);
        Set<TopicPartition> all = partitions("fence-commit", 4);
        try (RawSession a = RawSession.join(channel, RawSession.joinRequest("g-commit", "fence-commit").build())) {
            int firstEpoch = a.next(WAIT).getMemberEpoch();
            String idA = a.last().getMemberId();
            Set<TopicPartition> revoked;
            try (RawSession b = RawSession.join(channel, RawSession.joinRequest("g-commit", "fence-commit").build())) {
                Set<TopicPartition> kept = RawSession.partitions(a.next(WAIT));
                revoked = minus(all, kept);
                a.heartbeat(kept);
                Assignment ofB = b.awaitAssignment(x -> !RawSession.partitions(x).isEmpty(), WAIT);
                TopicPartition ofBPartition = revoked.iterator().next();

                assertRefused(commit("g-commit", idA, firstEpoch, ofBPartition, 10), Status.Code.FAILED_PRECONDITION,
                        "does not own " + ofBPartition);
                assertRefused(commit("g-commit", "", 0, ofBPartition, 10), Status.Code.FAILED_PRECONDITION,
                        "live members");
                commit("g-commit", ofB.getMemberId(), ofB.getMemberEpoch(), ofBPartition, 10).run(); // its owner may

                b.leave();
                assertThat(b.awaitEnd(WAIT).getCode()).isEqualTo(Status.Code.OK);
                assertRefused(commit("g-commit", ofB.getMemberId(), ofB.getMemberEpoch(), ofBPartition, 11),
                        Status.Code.FAILED_PRECONDITION, "unknown member " + ofB.getMemberId());
            }
            // A gets B's partitions back in a new epoch: commits for them from the old epoch are stale.
            Assignment back = a.awaitAssignment(x -> RawSession.partitions(x).equals(all), WAIT);
            int secondEpoch = back.getMemberEpoch();
            assertThat(secondEpoch).isEqualTo(firstEpoch + 1);
            TopicPartition reassigned = revoked.iterator().next();
            TopicPartition keptAll = minus(all, revoked).iterator().next();
            assertRefused(commit("g-commit", idA, firstEpoch, reassigned, 12), Status.Code.FAILED_PRECONDITION,
                    "stale member epoch " + firstEpoch);
            assertRefused(commit("g-commit", idA, secondEpoch + 1, keptAll, 12), Status.Code.FAILED_PRECONDITION,
                    "ahead");
            assertRefused(commit("g-commit", "no-such-member", secondEpoch, keptAll, 12), Status.Code.FAILED_PRECONDITION,
                    "unknown member no-such-member");
            // Documented leniency: a partition held without a break since an older epoch may be committed with it.
            commit("g-commit", idA, firstEpoch, keptAll, 12).run();
            commit("g-commit", idA, secondEpoch, reassigned, 13).run();
            assertThat(coordinator.committed("g-commit")).containsKeys(keptAll, reassigned);

            a.leave();
            assertThat(a.awaitEnd(WAIT).getCode()).isEqualTo(Status.Code.OK);
        }
        // With no live members, a consumer outside the membership (assigned by hand) may commit.
        commit("g-commit", "", 0, new TopicPartition("fence-commit", 3), 42).run();
        var fetched = groups().fetchOffsets(FetchOffsetsRequest.newBuilder().setGroupId("g-commit").build());
        assertThat(fetched.getOffsetsList()).anySatisfy(o -> {
            assertThat(o.getPartition()).isEqualTo(3);
            assertThat(o.getOffset()).isEqualTo(42);
        });
    }

    @Test
    void aCommitFromBeforeItsTopicWasDeletedAndRecreatedIsRefused() {
        admin.createTopic("fence-recreate", 2);
        TopicPartition tp = new TopicPartition("fence-recreate", 0);
        try (RawSession a = RawSession.join(channel, RawSession.joinRequest("g-recreate", "fence-recreate").build())) {
            Assignment before = a.next(WAIT);
            commit("g-recreate", before.getMemberId(), before.getMemberEpoch(), tp, 5).run();

            admin.deleteTopic("fence-recreate");
            admin.createTopic("fence-recreate", 2);

            assertRefused(commit("g-recreate", before.getMemberId(), before.getMemberEpoch(), tp, 7),
                    Status.Code.FAILED_PRECONDITION, "stale member epoch");
            assertThat(coordinator.committed("g-recreate")).as("the old topic's offsets are gone").doesNotContainKey(tp);
            Assignment after = a.awaitAssignment(x -> x.getMemberEpoch() > before.getMemberEpoch(), WAIT);
            commit("g-recreate", after.getMemberId(), after.getMemberEpoch(), tp, 1).run(); // the new epoch may
        }
    }

    @Test
    void badInputIsRefusedWithAMessage() {
        admin.createTopic("fence-input", 2);
        assertSessionRefused(RawSession.joinRequest("", "fence-input").build(), Status.Code.INVALID_ARGUMENT, "group id");
        assertSessionRefused(RawSession.joinRequest("g-input", "not a topic!").build(), Status.Code.INVALID_ARGUMENT, "not a topic!");
        assertSessionRefused(RawSession.joinRequest("g-input").build(), Status.Code.INVALID_ARGUMENT, "at least one topic");
        assertSessionRefused(RawSession.joinRequest("g-input", "fence-input").setAssignor("sticky").build(),
                Status.Code.INVALID_ARGUMENT, "unknown assignor 'sticky'");

        try (RawSession early = RawSession.open(channel)) {
            early.heartbeat(0, List.of());
            Status status = early.awaitEnd(WAIT);
            assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(status.getDescription()).contains("join before heartbeats");
        }
        try (RawSession member = RawSession.join(channel, RawSession.joinRequest("g-input", "fence-input").build())) {
            member.next(WAIT);
            assertSessionRefused(RawSession.joinRequest("g-input", "fence-input").setAssignor("roundrobin").build(),
                    Status.Code.INVALID_ARGUMENT, "same one");
            member.send(dev.minikafka.proto.v1.SessionRequest.newBuilder()
                    .setJoin(RawSession.joinRequest("g-input", "fence-input")).build());
            Status twice = member.awaitEnd(WAIT);
            assertThat(twice.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(twice.getDescription()).contains("already joined");
        }

        TopicPartition p0 = new TopicPartition("fence-input", 0);
        assertRefused(commit("", "", 0, p0, 1), Status.Code.INVALID_ARGUMENT, "group id must not be empty");
        assertRefused(commit("g-empty", "", 0, p0, -5), Status.Code.INVALID_ARGUMENT, "must not be negative, got -5");
        assertRefused(commit("g-empty", "", 0, new TopicPartition("no-such-topic", 0), 1), Status.Code.INVALID_ARGUMENT,
                "'no-such-topic': it does not exist");
        assertRefused(commit("g-empty", "", 0, new TopicPartition("fence-input", 7), 1), Status.Code.INVALID_ARGUMENT,
                "has 2 partitions");
        assertRefused(() -> groups().commitOffsets(CommitOffsetsRequest.newBuilder().setGroupId("g-empty")
                        .addOffsets(OffsetCommit.newBuilder().setTopic("fence-input").setPartition(-1).setOffset(1)).build()),
                Status.Code.INVALID_ARGUMENT, "must not be negative");
        assertThat(coordinator.committed("g-empty")).as("nothing refused was stored").isEmpty();

        Status noMemberId = Reader.open(p0, GroupMember.newBuilder().setGroupId("g-input").build()).awaitEnd(WAIT);
        assertThat(noMemberId.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(noMemberId.getDescription()).contains("member id");
    }

    @Test
    void aRefusedCommitLeavesNoGroupBehind() {
        admin.createTopic("fence-ghost", 1);
        assertRefused(commit("g-ghost", "zombie-member", 3, new TopicPartition("fence-ghost", 0), 1),
                Status.Code.FAILED_PRECONDITION, "unknown member zombie-member");
        assertThat(coordinator.groups()).extracting(GroupsView.GroupSnapshot::groupId)
                .as("a commit refused as fenced must not create the group it names").doesNotContain("g-ghost");
    }

    // ---- sessions ------------------------------------------------------------------------------------

    @Test
    void theHeartbeatIntervalLeavesRoomWithinTheShortestSessionTimeout() {
        admin.createTopic("fence-beat", 1);
        try (RawSession a = RawSession.join(channel, RawSession.joinRequest("g-beat", "fence-beat")
                .setSessionTimeoutMs(1).build())) {
            Assignment first = a.next(WAIT);
            assertThat(first.getSessionTimeoutMs()).as("clamped to the broker's minimum").isEqualTo(1000);
            // A member heartbeating exactly as told must not be expired between two heartbeats: the interval
            // has to be well inside the session timeout, not equal to it.
            assertThat(first.getHeartbeatIntervalMs()).isPositive().isLessThanOrEqualTo(first.getSessionTimeoutMs() / 2);
        }
    }

    @Test
    void aDynamicMemberWhoseStreamBreaksIsRemovedAtOnce() {
        admin.createTopic("fence-break", 4);
        try (RawSession a = RawSession.join(channel, RawSession.joinRequest("g-break", "fence-break").build());
             RawSession b = RawSession.join(channel, RawSession.joinRequest("g-break", "fence-break").build())) {
            confirmUntilSettled("g-break", a, b);
            long start = System.nanoTime();
            a.cancel(); // no goodbye, but the stream ends: not a session timeout (10 s by default)
            b.awaitAssignment(x -> RawSession.partitions(x).size() == 4, WAIT);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void aStaticMemberBackWithinItsSessionTimeoutGetsItsPartitionsWithoutDisturbingTheOthers() {
        admin.createTopic("fence-static", 4);
        RawSession a = RawSession.join(channel, RawSession.joinRequest("g-static", "fence-static")
                .setInstanceId("instance-a").setSessionTimeoutMs(20_000).build());
        a.awaitAssignment(x -> !RawSession.partitions(x).isEmpty(), WAIT);
        try (RawSession b = RawSession.join(channel, RawSession.joinRequest("g-static", "fence-static").build())) {
            confirmUntilSettled("g-static", a, b);
            Set<TopicPartition> ofA = a.owned();
            Assignment ofB = b.last();
            String oldIdOfA = a.last().getMemberId();
            long rebalances = coordinator.rebalanceCount();

            a.cancel(); // a restart of A: its stream breaks, it says no goodbye
            assertThat(a.awaitEnd(WAIT).getCode()).isEqualTo(Status.Code.CANCELLED);
            awaitTrue(() -> coordinator.describe("g-static").members().stream()
                    .anyMatch(m -> "instance-a".equals(m.instanceId()) && !m.connected()), "A shows as away");
            assertThat(coordinator.describe("g-static").members()).filteredOn(m -> "instance-a".equals(m.instanceId()))
                    .singleElement().satisfies(m -> assertThat(m.assignment()).isEqualTo(ofA));

            try (RawSession back = RawSession.join(channel, RawSession.joinRequest("g-static", "fence-static")
                    .setInstanceId("instance-a").setSessionTimeoutMs(20_000).build())) {
                Assignment returned = back.next(WAIT);
                assertThat(RawSession.partitions(returned)).isEqualTo(ofA);
                assertThat(returned.getMemberId()).isNotEqualTo(oldIdOfA);
                assertRefused(commit("g-static", oldIdOfA, returned.getMemberEpoch(), ofA.iterator().next(), 1),
                        Status.Code.FAILED_PRECONDITION, "unknown member " + oldIdOfA);
                commit("g-static", returned.getMemberId(), returned.getMemberEpoch(), ofA.iterator().next(), 1).run();

                assertThat(coordinator.rebalanceCount()).as("no rebalance").isEqualTo(rebalances);
                GroupDescription group = coordinator.describe("g-static");
                assertThat(group.state()).isEqualTo(GroupState.STABLE);
                assertThat(group.members()).filteredOn(m -> m.memberId().equals(ofB.getMemberId())).singleElement()
                        .satisfies(m -> {
                            assertThat(m.assignment()).isEqualTo(RawSession.partitions(ofB));
                            assertThat(m.memberEpoch()).isEqualTo(ofB.getMemberEpoch());
                        });
                // A message for B would have been sent in the same locked step as A's assignment; give it a
                // moment on the wire before concluding there was none.
                assertThat(pollFor(b, Duration.ofMillis(300))).as("B was told nothing new").isNull();
            }
        }
    }

    @Test
    void aSecondLiveSessionWithTheSameInstanceIdIsRefused() {
        admin.createTopic("fence-twice", 2);
        try (RawSession a = RawSession.join(channel, RawSession.joinRequest("g-twice", "fence-twice")
                .setInstanceId("instance-x").build())) {
            Assignment ofA = a.next(WAIT);
            assertSessionRefused(RawSession.joinRequest("g-twice", "fence-twice").setInstanceId("instance-x").build(),
                    Status.Code.ALREADY_EXISTS, "instance id 'instance-x' is in use");
            assertThat(a.isEnded()).isFalse();
            assertThat(coordinator.describe("g-twice").members()).singleElement()
                    .satisfies(m -> assertThat(m.memberId()).isEqualTo(ofA.getMemberId()));
            commit("g-twice", ofA.getMemberId(), ofA.getMemberEpoch(), new TopicPartition("fence-twice", 0), 1).run();
        }
    }

    @Test
    void aMemberThatNeverConfirmsARevocationIsRemovedAfterItsSessionTimeout() {
        admin.createTopic("fence-stuck", 4);
        Set<TopicPartition> all = partitions("fence-stuck", 4);
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
        try (RawSession stuck = RawSession.join(channel, RawSession.joinRequest("g-stuck", "fence-stuck")
                .setSessionTimeoutMs(1000).build())) {
            assertThat(RawSession.partitions(stuck.next(WAIT))).isEqualTo(all);
            // Alive (heartbeats well within its 1 s session) but stuck: it keeps listing every partition.
            beats.scheduleWithFixedDelay(() -> stuck.heartbeat(all), 0, 200, TimeUnit.MILLISECONDS);
            try (RawSession other = RawSession.join(channel, RawSession.joinRequest("g-stuck", "fence-stuck").build())) {
                assertThat(RawSession.partitions(stuck.next(WAIT))).hasSize(2); // the revocation it ignores
                long revokedAt = System.nanoTime();
                Status removed = stuck.awaitEnd(WAIT);
                long removedAfterMs = (System.nanoTime() - revokedAt) / 1_000_000;
                assertThat(removed.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                assertThat(removed.getDescription()).contains("revoked partitions were not released within 1000 ms");
                assertThat(removedAfterMs).as("not before its session timeout").isGreaterThanOrEqualTo(900);
                assertThat(RawSession.partitions(other.awaitAssignment(x -> RawSession.partitions(x).equals(all), WAIT)))
                        .isEqualTo(all);
                assertThat(coordinator.describe("g-stuck").members()).hasSize(1);
            }
        } finally {
            beats.shutdownNow();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** Confirms revocations for both members until neither is revoking and both own partitions. */
    private static void confirmUntilSettled(String groupId, RawSession a, RawSession b) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (RawSession s : List.of(a, b)) {
                Assignment next;
                while ((next = s.pending()) != null) {
                    s.heartbeat(next.getMemberEpoch(), RawSession.partitions(next));
                }
            }
            boolean known = coordinator.groups().stream().anyMatch(g -> g.groupId().equals(groupId)); // joins are asynchronous
            if (known && coordinator.describe(groupId).state() == GroupState.STABLE && !a.owned().isEmpty() && !b.owned().isEmpty()) {
                assertThat(a.owned()).doesNotContainAnyElementsOf(b.owned());
                return;
            }
            sleepQuietly(10);
        }
        throw new AssertionError("the group did not settle within " + WAIT);
    }

    private static Assignment pollFor(RawSession session, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            Assignment a = session.pending();
            if (a != null) {
                return a;
            }
            sleepQuietly(10);
        }
        return session.pending();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            sleepQuietly(10);
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static GroupsGrpc.GroupsBlockingStub groups() {
        return GroupsGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static Runnable commit(String group, String memberId, int epoch, TopicPartition tp, long offset) {
        return () -> groups().commitOffsets(CommitOffsetsRequest.newBuilder().setGroupId(group).setMemberId(memberId)
                .setMemberEpoch(epoch).addOffsets(OffsetCommit.newBuilder().setTopic(tp.topic())
                        .setPartition(tp.partition()).setOffset(offset)).build());
    }

    private static void assertRefused(Runnable call, Status.Code code, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOf(StatusRuntimeException.class).satisfies(e -> {
            Status status = Status.fromThrowable(e);
            assertThat(status.getCode()).isEqualTo(code);
            assertThat(status.getDescription()).contains(messagePart);
        });
    }

    private static void assertSessionRefused(dev.minikafka.proto.v1.JoinGroup join, Status.Code code, String messagePart) {
        try (RawSession session = RawSession.join(channel, join)) {
            Status status = session.awaitEnd(WAIT);
            assertThat(status.getCode()).isEqualTo(code);
            assertThat(status.getDescription()).contains(messagePart);
            assertThat(session.last()).as("no assignment before the refusal").isNull();
        }
    }

    private static Set<TopicPartition> partitions(String topic, int count) {
        return IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).collect(Collectors.toSet());
    }

    private static Set<TopicPartition> minus(Set<TopicPartition> a, Set<TopicPartition> b) {
        Set<TopicPartition> rest = new HashSet<>(a);
        rest.removeAll(b);
        return rest;
    }

    private static void produce(TopicPartition tp, String value) {
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).build())) {
            producer.send(new ProducerRecord(tp.topic(), tp.partition(), null, null,
                    value.getBytes(StandardCharsets.UTF_8), List.of())).join();
        }
    }

    /** A raw {@code Consumer.Subscribe} stream read as a group member. */
    private static final class Reader implements StreamObserver<PartitionData> {

        private final LinkedBlockingQueue<PartitionData> data = new LinkedBlockingQueue<>();
        private final CompletableFuture<Status> ended = new CompletableFuture<>();
        private io.grpc.stub.ClientCallStreamObserver<SubscribeRequest> call;

        static Reader open(TopicPartition tp, GroupMember member) {
            Reader reader = new Reader();
            ConsumerGrpc.newStub(channel).subscribe(SubscribeRequest.newBuilder().setTopic(tp.topic())
                    .setPartition(tp.partition()).setOffset(-1).setMember(member).build(), reader.observer());
            return reader;
        }

        private io.grpc.stub.ClientResponseObserver<SubscribeRequest, PartitionData> observer() {
            Reader self = this;
            return new io.grpc.stub.ClientResponseObserver<>() {
                @Override
                public void beforeStart(io.grpc.stub.ClientCallStreamObserver<SubscribeRequest> requestStream) {
                    call = requestStream;
                }

                @Override
                public void onNext(PartitionData value) {
                    self.onNext(value);
                }

                @Override
                public void onError(Throwable t) {
                    self.onError(t);
                }

                @Override
                public void onCompleted() {
                    self.onCompleted();
                }
            };
        }

        @Override
        public void onNext(PartitionData value) {
            if (!value.getBatches().isEmpty()) {
                data.add(value);
            }
        }

        @Override
        public void onError(Throwable t) {
            ended.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            ended.complete(Status.OK);
        }

        boolean isEnded() {
            return ended.isDone();
        }

        boolean awaitData(Duration timeout) {
            try {
                return data.poll(timeout.toMillis(), TimeUnit.MILLISECONDS) != null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        Status awaitEnd(Duration timeout) {
            try {
                return ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new AssertionError("the subscribe stream did not end within " + timeout, e);
            }
        }

        void cancel() {
            if (call != null && !ended.isDone()) {
                call.cancel("test done", null);
            }
        }
    }

}
