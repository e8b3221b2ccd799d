package dev.minikafka.broker.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.ConfigurableApplicationContext;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;

import dev.minikafka.broker.fault.RawProduce;
import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.proto.v1.Acks;
import dev.minikafka.proto.v1.AdminGrpc;
import dev.minikafka.proto.v1.Assignment;
import dev.minikafka.proto.v1.ConsumerGrpc;
import dev.minikafka.proto.v1.CreateTopicRequest;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.FetchPartition;
import dev.minikafka.proto.v1.FetchRequest;
import dev.minikafka.proto.v1.GroupMember;
import dev.minikafka.proto.v1.GroupsGrpc;
import dev.minikafka.proto.v1.Heartbeat;
import dev.minikafka.proto.v1.JoinGroup;
import dev.minikafka.proto.v1.LeaveGroup;
import dev.minikafka.proto.v1.ListTopicsRequest;
import dev.minikafka.proto.v1.PartitionData;
import dev.minikafka.proto.v1.SessionRequest;
import dev.minikafka.proto.v1.SubscribeRequest;
import dev.minikafka.proto.v1.TopicPartitions;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Garbage, out-of-order and abusive input on the two long-lived streams: the consumer-group session
 * ({@code Groups.Session}, bidirectional) and {@code Consumer.Subscribe} (one request, then a server stream
 * paced by HTTP/2 flow control: a client's "demand" is its {@code request(n)}, which never leaves the client,
 * and the window updates it causes). Every call is a raw {@link ClientCall} with a byte marshaller, so the
 * client library cannot tidy the input. Each case ends with a clear status (a code other than UNKNOWN,
 * INTERNAL or DEADLINE_EXCEEDED, and a description), or is ignored harmlessly where that is the contract;
 * after each, the broker answers admin calls and two bystanders, a group member (the real client) and a
 * {@code Subscribe} stream, still receive a record produced after the case.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MalformedStreamInputTest {

    private static final String TOPIC = "streams";
    private static final String SESSION = GroupsGrpc.getSessionMethod().getFullMethodName();
    private static final String SUBSCRIBE = ConsumerGrpc.getSubscribeMethod().getFullMethodName();
    /** A member that lingered after its session ended would hold partitions this long (the maximum). */
    private static final int LONG_SESSION_MS = 300_000;
    private static final Set<Status.Code> UNCLEAR = Set.of(Status.Code.OK, Status.Code.UNKNOWN, Status.Code.INTERNAL,
            Status.Code.DEADLINE_EXCEEDED, Status.Code.CANCELLED);

    @TempDir
    static Path dataDir;

    static ConfigurableApplicationContext broker;
    static ManagedChannel channel;
    static MiniKafkaConsumer groupBystander;
    static RawCall subscribeBystander;
    static final Set<String> groupBystanderSaw = new HashSet<>();
    static int groupCounter;

    @BeforeAll
    static void start() {
        broker = BrokerRunner.start(dataDir);
        String bootstrap = "127.0.0.1:" + BrokerRunner.grpcPort(broker);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", BrokerRunner.grpcPort(broker)).usePlaintext().build();
        AdminGrpc.newBlockingStub(channel).createTopic(CreateTopicRequest.newBuilder().setName(TOPIC).setPartitions(2).build());
        groupBystander = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).build());
        groupBystander.subscribe(List.of(TOPIC), "bystanders");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (groupBystander.assignment().size() < 2 && System.nanoTime() < deadline) {
            groupBystander.poll(Duration.ofMillis(100));
        }
        assertThat(groupBystander.assignment()).hasSize(2);
        subscribeBystander = RawCall.open(SUBSCRIBE, Integer.MAX_VALUE, CallOptions.DEFAULT);
        subscribeBystander.send(SubscribeRequest.newBuilder().setTopic(TOPIC).setPartition(0).setOffset(-2).build());
        subscribeBystander.halfClose();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        groupBystander.close();
        subscribeBystander.cancel();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        broker.close();
    }

    /** One abuse of a stream; returns how the stream ended (OK where the input is harmlessly ignored). */
    @FunctionalInterface
    interface Abuse {
        Status run() throws Exception;
    }

    record Case(Abuse abuse, Set<Status.Code> expected, String descriptionContains) {
    }

    static Stream<Named<Case>> cases() {
        return Stream.of(
                // ---- Groups.Session ----
                named("session: garbage bytes", () -> session(List.of(GARBAGE)),
                        Status.Code.INVALID_ARGUMENT, "not a valid protobuf message"),
                named("session: a join, then garbage (the member is removed)", MalformedStreamInputTest::joinThenGarbage,
                        Status.Code.INVALID_ARGUMENT, "not a valid protobuf message"),
                named("session: an empty message", () -> session(List.of(new byte[0])),
                        Status.Code.INVALID_ARGUMENT, "must be a join, a heartbeat or a leave"),
                named("session: only an unknown field", () -> session(List.of(new byte[] {0x4A, 0x01, 0x00})),
                        Status.Code.INVALID_ARGUMENT, "must be a join, a heartbeat or a leave"),
                named("session: the server's Assignment sent back", () -> session(List.of(Assignment.newBuilder()
                        .setMemberId("abc").setMemberEpoch(3).build().toByteArray())),
                        Status.Code.INVALID_ARGUMENT, "not a valid protobuf message"),
                named("session: a bare JoinGroup, not wrapped", () -> session(List.of(join("grp", 0).toByteArray())),
                        Status.Code.INVALID_ARGUMENT, "not a valid protobuf message"),
                named("session: a heartbeat before any join", () -> session(List.of(heartbeat(0, List.of()))),
                        Status.Code.FAILED_PRECONDITION, "send a join before heartbeats"),
                named("session: two joins", () -> session(List.of(wrap(join(group(), 0)), wrap(join(group(), 0)))),
                        Status.Code.INVALID_ARGUMENT, "already joined"),
                named("session: a join with an empty group id", () -> session(List.of(wrap(join("", 0)))),
                        Status.Code.INVALID_ARGUMENT, "group id must not be empty"),
                named("session: a join with a 100,000-character group id", () -> session(List.of(wrap(join("g".repeat(100_000), 0)))),
                        Status.Code.INVALID_ARGUMENT, "group id is limited"),
                named("session: a join with no topics", () -> session(List.of(wrap(JoinGroup.newBuilder().setGroupId(group()).build()))),
                        Status.Code.INVALID_ARGUMENT, "at least one topic"),
                named("session: a join for the topic '../escape'", () -> session(List.of(wrap(JoinGroup.newBuilder()
                        .setGroupId(group()).addTopics("../escape").build()))), Status.Code.INVALID_ARGUMENT, "escape"),
                named("session: a join with an unknown assignor", () -> session(List.of(wrap(join(group(), 0).toBuilder()
                        .setAssignor("chaos").build()))), Status.Code.INVALID_ARGUMENT, "unknown assignor 'chaos'"),
                named("session: a heartbeat from a future epoch", () -> session(List.of(wrap(join(group(), 0)),
                        heartbeat(Integer.MAX_VALUE, List.of()))), Status.Code.FAILED_PRECONDITION, "is ahead of the broker's"),
                named("session: a heartbeat owning partition -1", () -> session(List.of(wrap(join(group(), 0)),
                        heartbeat(0, List.of(TopicPartitions.newBuilder().setTopic(TOPIC).addPartitions(-1).build())))),
                        Status.Code.INVALID_ARGUMENT, "must not be negative"),
                named("session: join with session timeouts -1 and 2^31-1, stale-epoch heartbeats owning unknown "
                        + "partitions (ignored), then leave", MalformedStreamInputTest::oddButHarmlessSession, Status.Code.OK, null),
                named("session: 500 heartbeats as fast as they go, then leave", MalformedStreamInputTest::heartbeatFlood,
                        Status.Code.OK, null),
                named("session: leave, then heartbeat and join on the ended stream (ignored: no ghost member)",
                        MalformedStreamInputTest::messagesAfterLeave, Status.Code.OK, null),
                named("session: the client cancels mid-session (the member is removed)", MalformedStreamInputTest::cancelledSession,
                        Status.Code.OK, null),
                // ---- Consumer.Subscribe ----
                named("subscribe: garbage bytes", () -> subscribe(List.of(GARBAGE), true), Status.Code.INVALID_ARGUMENT,
                        "not a valid protobuf message"),
                named("subscribe: two requests on one call", () -> subscribe(List.of(subscription(0, -2).toByteArray(),
                        subscription(1, -2).toByteArray()), true), Status.Code.INVALID_ARGUMENT, "takes exactly one request message"),
                named("subscribe: half-closed without a request", () -> subscribe(List.of(), true),
                        Status.Code.INVALID_ARGUMENT, "half-closed without sending it"),
                named("subscribe: a FetchRequest's bytes (wrong type)", () -> subscribe(List.of(FetchRequest.newBuilder()
                        .setMaxWaitMs(5).addPartitions(FetchPartition.newBuilder().setTopic(TOPIC)).build().toByteArray()), true),
                        Status.Code.INVALID_ARGUMENT, "topic name is empty"),
                named("subscribe: an unknown topic", () -> subscribe(List.of(SubscribeRequest.newBuilder().setTopic("nope")
                        .build().toByteArray()), true), Status.Code.NOT_FOUND, "'nope' does not exist"),
                named("subscribe: partition 99", () -> subscribe(List.of(subscription(99, 0).toByteArray()), true),
                        Status.Code.OUT_OF_RANGE, "partition 99 does not exist"),
                named("subscribe: partition -1", () -> subscribe(List.of(subscription(-1, 0).toByteArray()), true),
                        Status.Code.OUT_OF_RANGE, "partition -1 does not exist"),
                named("subscribe: offset -5", () -> subscribe(List.of(subscription(0, -5).toByteArray()), true),
                        Status.Code.INVALID_ARGUMENT, "offset must be >= 0"),
                named("subscribe: offset 2^63-1", () -> subscribe(List.of(subscription(0, Long.MAX_VALUE).toByteArray()), true),
                        Status.Code.OUT_OF_RANGE, "out of range"),
                named("subscribe: max_bytes -1", () -> subscribe(List.of(subscription(0, 0).toBuilder().setMaxBytes(-1).build()
                        .toByteArray()), true), Status.Code.INVALID_ARGUMENT, "max_bytes must not be negative"),
                named("subscribe: as a member of a group that does not exist", () -> subscribe(List.of(subscription(0, 0)
                        .toBuilder().setMember(GroupMember.newBuilder().setGroupId("ghosts").setMemberId("m-1")).build()
                        .toByteArray()), true), Status.Code.NOT_FOUND, "no group 'ghosts'"),
                named("subscribe: as a member with no member id", () -> subscribe(List.of(subscription(0, 0).toBuilder()
                        .setMember(GroupMember.newBuilder().setGroupId("bystanders")).build().toByteArray()), true),
                        Status.Code.INVALID_ARGUMENT, "must name its member id"),
                named("subscribe: zero demand, then cancel (data waits in the flow-control window)",
                        () -> subscribeWithDemand(0), Status.Code.OK, null),
                named("subscribe: demand 2^31-1 and max_bytes 2^31-1 (capped), then cancel", () -> subscribeWithDemand(Integer.MAX_VALUE),
                        Status.Code.OK, null),
                named("subscribe: demand requested after the client cancelled (ignored)", MalformedStreamInputTest::demandAfterCancel,
                        Status.Code.OK, null));
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachAbuseEndsClearlyAndLeavesTheBrokerAndOtherClientsUnharmed(Case c) throws Exception {
        Status status = c.abuse().run();
        if (c.expected().contains(Status.Code.OK)) {
            assertThat(status.getCode()).as(status.toString()).isEqualTo(Status.Code.OK);
        } else {
            assertThat(status.getCode()).as(status.toString()).isNotIn(UNCLEAR).isIn(c.expected());
            assertThat(status.getDescription()).as(status.toString()).isNotBlank().contains(c.descriptionContains());
        }
        assertOthersUnharmed();
    }

    /**
     * Every stream the cases opened was released: once the group bystander (whose client reads through one
     * {@code Subscribe} stream per partition) has closed, only the raw bystander's subscription is left.
     */
    @Order(2)
    @Test
    void noSubscriptionOutlivesItsStream() throws InterruptedException {
        groupBystander.close();
        MeterRegistry registry = broker.getBean(MeterRegistry.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        double active;
        do {
            active = registry.get("minikafka.subscriptions.active").gauge().value();
        } while (active > 1 && System.nanoTime() < deadline && sleep());
        assertThat(active).isEqualTo(1.0);
    }

    // ---- the cases that take more than one line ----

    private static Status joinThenGarbage() throws Exception {
        String group = group();
        RawCall call = RawCall.open(SESSION, Integer.MAX_VALUE);
        call.send(wrap(join(group, LONG_SESSION_MS)));
        assertThat(call.nextAssignment().getPartitionsCount()).isPositive();
        call.send(GARBAGE);
        Status status = call.status();
        assertNewMemberGetsEveryPartition(group);
        return status;
    }

    private static Status oddButHarmlessSession() throws Exception {
        for (int timeout : new int[] {-1, Integer.MAX_VALUE}) {
            String group = group();
            RawCall call = RawCall.open(SESSION, Integer.MAX_VALUE);
            call.send(wrap(join(group, timeout)));
            Assignment assignment = call.nextAssignment();
            assertThat(assignment.getSessionTimeoutMs()).as("clamped to the broker's bounds").isBetween(1_000, LONG_SESSION_MS);
            call.send(heartbeat(-7, List.of(TopicPartitions.newBuilder().setTopic("nope").addPartitions(5).build())));
            call.send(heartbeat(0, List.of(TopicPartitions.newBuilder().setTopic(TOPIC).addPartitions(1_000_000).build())));
            call.send(SessionRequest.newBuilder().setLeave(LeaveGroup.getDefaultInstance()).build().toByteArray());
            Status status = call.status();
            if (!status.isOk()) {
                return status;
            }
        }
        return Status.OK;
    }

    /** 500 took 262 ms on a quiet run, but 1,000 once took 27 s on the loaded shared machine: hence the long deadline. */
    private static Status heartbeatFlood() throws Exception {
        RawCall call = RawCall.open(SESSION, Integer.MAX_VALUE, CallOptions.DEFAULT.withDeadlineAfter(150, TimeUnit.SECONDS));
        call.send(wrap(join(group(), 0)));
        int epoch = call.nextAssignment().getMemberEpoch();
        long start = System.nanoTime();
        for (int i = 0; i < 500; i++) {
            call.send(heartbeat(epoch, List.of()));
        }
        call.send(SessionRequest.newBuilder().setLeave(LeaveGroup.getDefaultInstance()).build().toByteArray());
        Status status = call.closed.orTimeout(140, TimeUnit.SECONDS).join();
        System.out.printf("500 heartbeats and a leave answered in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        return status;
    }

    private static Status messagesAfterLeave() throws Exception {
        String group = group();
        RawCall call = RawCall.open(SESSION, Integer.MAX_VALUE);
        call.send(wrap(join(group, LONG_SESSION_MS)));
        call.nextAssignment();
        call.send(SessionRequest.newBuilder().setLeave(LeaveGroup.getDefaultInstance()).build().toByteArray());
        call.send(heartbeat(1, List.of()));
        call.send(wrap(join(group, LONG_SESSION_MS)));
        Status status = call.status();
        assertNewMemberGetsEveryPartition(group);
        return status;
    }

    private static Status cancelledSession() throws Exception {
        String group = group();
        RawCall call = RawCall.open(SESSION, Integer.MAX_VALUE);
        call.send(wrap(join(group, LONG_SESSION_MS)));
        call.nextAssignment();
        call.cancel();
        assertNewMemberGetsEveryPartition(group);
        return Status.OK;
    }

    private static Status subscribeWithDemand(int demand) throws Exception {
        produce(0, "x".repeat(10_000)); // something to send, or to hold back
        RawCall call = RawCall.open(SUBSCRIBE, demand);
        call.send(subscription(0, -2).toBuilder().setMaxBytes(Integer.MAX_VALUE).build().toByteArray());
        call.halfClose();
        if (demand > 0) {
            PartitionData first = PartitionData.parseFrom(call.next());
            assertThat(first.getErrorCode()).isEqualTo(ErrorCode.NONE);
            assertThat(first.getBatches().size()).as("capped at the broker's response limit").isPositive()
                    .isLessThanOrEqualTo(ConsumerGrpcService.MAX_RESPONSE_BYTES);
        } else {
            assertThat(call.received.poll(500, TimeUnit.MILLISECONDS)).as("nothing is delivered without demand").isNull();
        }
        call.cancel();
        return call.closed.isDone() && !call.status().getCode().equals(Status.Code.CANCELLED) ? call.status() : Status.OK;
    }

    private static Status demandAfterCancel() throws Exception {
        RawCall call = RawCall.open(SUBSCRIBE, 1);
        call.send(subscription(1, -2).toByteArray());
        call.halfClose();
        call.cancel();
        call.call.request(1_000);
        assertThat(call.status().getCode()).isEqualTo(Status.Code.CANCELLED);
        return Status.OK;
    }

    // ---- checks ----

    /** The broker answers, and both bystanders get a record produced now. */
    private static void assertOthersUnharmed() throws Exception {
        assertThat(AdminGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .listTopics(ListTopicsRequest.getDefaultInstance()).getTopicsList()).isNotEmpty();
        String marker = "after-" + System.nanoTime();
        produce(0, marker);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        boolean streamed = false;
        while (!streamed && System.nanoTime() < deadline) {
            byte[] next = subscribeBystander.received.poll(200, TimeUnit.MILLISECONDS);
            streamed = next != null && PartitionData.parseFrom(next).getBatches().toString(StandardCharsets.ISO_8859_1)
                    .contains(marker);
        }
        assertThat(streamed).as("the bystander's Subscribe stream got " + marker + " (" + subscribeBystander.closed + ")")
                .isTrue();
        while (!groupBystanderSaw.contains(marker) && System.nanoTime() < deadline) {
            for (ConsumerRecord record : groupBystander.poll(Duration.ofMillis(200))) {
                groupBystanderSaw.add(new String(record.value(), StandardCharsets.UTF_8));
            }
        }
        assertThat(groupBystanderSaw).as("the bystander group member got " + marker).contains(marker);
        assertThat(groupBystander.assignment()).as("and kept its partitions").hasSize(2);
    }

    /**
     * A member joining {@code group} gets both partitions: no earlier member of it is left holding one (one
     * would hold it for {@value #LONG_SESSION_MS} ms). The old member's removal may still be on its way.
     */
    private static void assertNewMemberGetsEveryPartition(String group) throws Exception {
        RawCall call = RawCall.open(SESSION, Integer.MAX_VALUE);
        call.send(wrap(join(group, 0)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int partitions = 0;
        while (partitions < 2 && System.nanoTime() < deadline) {
            byte[] next = call.received.poll(200, TimeUnit.MILLISECONDS);
            if (next != null) {
                partitions = Assignment.parseFrom(next).getPartitionsList().stream().mapToInt(TopicPartitions::getPartitionsCount).sum();
            }
        }
        call.send(SessionRequest.newBuilder().setLeave(LeaveGroup.getDefaultInstance()).build().toByteArray());
        assertThat(partitions).as("a new member of " + group + " was given every partition").isEqualTo(2);
        assertThat(call.status().getCode()).isEqualTo(Status.Code.OK);
    }

    // ---- building input ----

    private static final byte[] GARBAGE = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};

    private static Named<Case> named(String name, Abuse abuse, Status.Code expected, String descriptionContains) {
        return Named.of(name, new Case(abuse, Set.of(expected), descriptionContains));
    }

    private static String group() {
        return "abuse-" + ++groupCounter;
    }

    private static JoinGroup join(String group, int sessionTimeoutMs) {
        return JoinGroup.newBuilder().setGroupId(group).addTopics(TOPIC).setSessionTimeoutMs(sessionTimeoutMs)
                .setClientId("malformed-stream-test").build();
    }

    private static byte[] wrap(JoinGroup join) {
        return SessionRequest.newBuilder().setJoin(join).build().toByteArray();
    }

    private static byte[] heartbeat(int epoch, List<TopicPartitions> owned) {
        return SessionRequest.newBuilder().setHeartbeat(Heartbeat.newBuilder().setMemberEpoch(epoch).addAllOwned(owned))
                .build().toByteArray();
    }

    private static SubscribeRequest subscription(int partition, long offset) {
        return SubscribeRequest.newBuilder().setTopic(TOPIC).setPartition(partition).setOffset(offset).build();
    }

    /** Sends {@code messages} on a new session, half-closes, and returns how the broker ended the stream. */
    private static Status session(List<byte[]> messages) throws Exception {
        RawCall call = RawCall.open(SESSION, Integer.MAX_VALUE);
        messages.forEach(call::send);
        Status status = call.closed.copy().completeOnTimeout(null, 10, TimeUnit.SECONDS).join();
        if (status == null) {
            call.halfClose(); // still open: the input was accepted; half-closing ends the session
            status = call.status();
        }
        return status;
    }

    private static Status subscribe(List<byte[]> messages, boolean halfClose) throws Exception {
        RawCall call = RawCall.open(SUBSCRIBE, Integer.MAX_VALUE);
        messages.forEach(call::send);
        if (halfClose) {
            call.halfClose();
        }
        return call.status();
    }

    private static void produce(int partition, String value) throws Exception {
        assertThat(RawProduce.once(channel, TOPIC, partition, value, Acks.ACKS_LEADER).getErrorCode()).isEqualTo(ErrorCode.NONE);
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(100);
        return true;
    }

    /** A raw call of any method, as a bidirectional stream of bytes; what arrives is queued. */
    static final class RawCall {

        final ClientCall<byte[], byte[]> call;
        final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Status> closed = new CompletableFuture<>();

        private RawCall(ClientCall<byte[], byte[]> call) {
            this.call = call;
        }

        /** Opens the call and asks for {@code demand} messages (0: none until asked). */
        static RawCall open(String method, int demand) {
            return open(method, demand, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
        }

        static RawCall open(String method, int demand, CallOptions options) {
            RawCall raw = new RawCall(channel.newCall(bytesMethod(method), options));
            raw.call.start(new ClientCall.Listener<>() {
                @Override
                public void onMessage(byte[] message) {
                    raw.received.add(message);
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    raw.closed.complete(status);
                }
            }, new Metadata());
            if (demand > 0) {
                raw.call.request(demand);
            }
            return raw;
        }

        void send(byte[] message) {
            call.sendMessage(message);
        }

        void send(MessageLite message) {
            send(message.toByteArray());
        }

        void halfClose() {
            call.halfClose();
        }

        void cancel() {
            call.cancel("the test is done with it", null);
        }

        byte[] next() throws InterruptedException {
            byte[] message = received.poll(15, TimeUnit.SECONDS);
            assertThat(message).as("a message within 15 s (" + closed + ")").isNotNull();
            return message;
        }

        Assignment nextAssignment() throws InterruptedException, InvalidProtocolBufferException {
            return Assignment.parseFrom(next());
        }

        Status status() {
            return closed.orTimeout(20, TimeUnit.SECONDS).join();
        }
    }

    private static MethodDescriptor<byte[], byte[]> bytesMethod(String fullMethodName) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setFullMethodName(fullMethodName)
                .setType(MethodDescriptor.MethodType.BIDI_STREAMING).setRequestMarshaller(BYTES).setResponseMarshaller(BYTES)
                .build();
    }

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
}
