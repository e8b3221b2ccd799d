package dev.minikafka.broker.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.ConfigurableApplicationContext;

import com.google.protobuf.ByteString;

import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.proto.v1.AdminGrpc;
import dev.minikafka.proto.v1.CommitOffsetsRequest;
import dev.minikafka.proto.v1.ConsumerGrpc;
import dev.minikafka.proto.v1.CreateTopicRequest;
import dev.minikafka.proto.v1.DeleteTopicRequest;
import dev.minikafka.proto.v1.DescribeTopicRequest;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.FetchPartition;
import dev.minikafka.proto.v1.FetchRequest;
import dev.minikafka.proto.v1.GroupsGrpc;
import dev.minikafka.proto.v1.OffsetCommit;
import dev.minikafka.proto.v1.PartitionData;
import dev.minikafka.proto.v1.ProduceRequest;
import dev.minikafka.proto.v1.ProduceResponse;
import dev.minikafka.proto.v1.ProducerGrpc;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;

/**
 * Malformed gRPC input, over real gRPC on loopback: bytes that are not the message the method expects
 * (sent with a raw call and a byte marshaller, so the client library cannot tidy them), messages over the
 * inbound size limit, and names no topic or group may have. Each gets a status with a code other than
 * UNKNOWN or INTERNAL and a message a user can act on, within the deadline (never a hang), and nothing
 * appears in the data directory.
 */
class MalformedGrpcInputTest {

    @TempDir
    static Path dataDir;

    static ConfigurableApplicationContext broker;
    static ManagedChannel channel;

    @BeforeAll
    static void start() {
        broker = BrokerRunner.start(dataDir);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", BrokerRunner.grpcPort(broker)).usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024).build();
        AdminGrpc.newBlockingStub(channel).createTopic(CreateTopicRequest.newBuilder().setName("fuzzed").setPartitions(1).build());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        broker.close();
    }

    /** Unary methods and bytes that do not parse as their request (or parse into nonsense). */
    static Stream<org.junit.jupiter.params.provider.Arguments> garbage() {
        List<String> methods = List.of(
                AdminGrpc.getCreateTopicMethod().getFullMethodName(),
                AdminGrpc.getDescribeTopicMethod().getFullMethodName(),
                AdminGrpc.getDeleteTopicMethod().getFullMethodName(),
                AdminGrpc.getListOffsetsMethod().getFullMethodName(),
                ConsumerGrpc.getFetchMethod().getFullMethodName(),
                GroupsGrpc.getCommitOffsetsMethod().getFullMethodName(),
                GroupsGrpc.getFetchOffsetsMethod().getFullMethodName());
        List<byte[]> inputs = List.of(
                new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
                new byte[] {0x08, (byte) 0xFF},                        // a varint cut short
                new byte[] {0x0A, 0x7F, 'a'},                          // a length running past the end
                new byte[] {0x0A, 0x02, (byte) 0xC3, 0x28},            // field 1 as invalid UTF-8
                new byte[] {0x0F},                                     // an invalid wire type
                new byte[] {0x22, 0x03, 0x0A, 0x01});                  // a nested message cut short
        // Fetch's field 1 is a number, so bytes for a string there are an unknown field rather than bad UTF-8
        return methods.stream().flatMap(m -> inputs.stream()
                .filter(b -> !(m.equals(ConsumerGrpc.getFetchMethod().getFullMethodName()) && b[0] == 0x0A && b[1] == 0x02))
                .map(b -> org.junit.jupiter.params.provider.Arguments.of(m, b)));
    }

    @ParameterizedTest(name = "{0} {index}")
    @MethodSource("garbage")
    void garbageRequestBytesGetInvalidArgument(String method, byte[] bytes) {
        Status status = rawUnary(method, bytes);
        assertClear(status, method);
        assertThat(status.getCode()).as(method + ": " + status).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains(method, "not a valid protobuf message");
    }

    /**
     * A known field sent with another wire type is an unknown field to protobuf, so the request parses as
     * one with that field unset: the answer is the one to that request, an error only where it needs one.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryMethods")
    void fieldsOfTheWrongTypeReadAsUnsetAndGetTheAnswerToThat(String method) {
        Status status = rawUnary(method, new byte[] {0x08, 0x01, 0x10, 0x01, 0x1A, 0x01, 'x'});
        if (!status.isOk()) {
            assertClear(status, method);
        }
    }

    static Stream<String> unaryMethods() {
        return garbage().map(a -> (String) a.get()[0]).distinct();
    }

    @Test
    void aMessageOverTheInboundLimitIsRefusedWithResourceExhausted() {
        byte[] huge = ProduceRequest.newBuilder().setTopic("fuzzed")
                .setBatches(ByteString.copyFrom(new byte[17 * 1024 * 1024])).build().toByteArray();
        Status status = rawUnary(AdminGrpc.getCreateTopicMethod().getFullMethodName(), huge);
        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(status.getDescription()).isNotBlank();
    }

    static Stream<String> badNames() {
        return Stream.of("", ".", "..", "../escape", "a/b", "a\\b", "nul\u0000byte", "emoji-\uD83D\uDE00", "rtl-\u202Eevil",
                "lone-\uD800-surrogate", "x".repeat(250), "x".repeat(100_000), "space name", "new\nline");
    }

    @ParameterizedTest(name = "topic name {index}")
    @MethodSource("badNames")
    void badTopicNamesAreRejectedEverywhereAndTouchNoFile(String name) throws IOException {
        List<Path> before = dataDirContents();
        AdminGrpc.AdminBlockingStub admin = AdminGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertClear(statusOf(() -> admin.createTopic(CreateTopicRequest.newBuilder().setName(name).setPartitions(1).build())),
                "create");
        assertClear(statusOf(() -> admin.describeTopic(DescribeTopicRequest.newBuilder().setName(name).build())), "describe");
        assertClear(statusOf(() -> admin.deleteTopic(DeleteTopicRequest.newBuilder().setName(name).build())), "delete");
        PartitionData fetched = ConsumerGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .fetch(FetchRequest.newBuilder().setMaxWaitMs(0).addPartitions(
                        FetchPartition.newBuilder().setTopic(name).setPartition(0)).build()).getPartitions(0);
        assertThat(fetched.getErrorCode()).as("fetch").isIn(ErrorCode.INVALID_TOPIC, ErrorCode.UNKNOWN_TOPIC);
        assertThat(fetched.getErrorMessage()).as("fetch").isNotBlank();
        ProduceResponse produced = produce(ProduceRequest.newBuilder().setCorrelationId(1).setTopic(name)
                .setBatches(ByteString.copyFrom(GrpcTestClient.batch(1L, "v"))).build());
        assertThat(produced.getErrorCode()).isIn(ErrorCode.INVALID_TOPIC, ErrorCode.INVALID_REQUEST, ErrorCode.UNKNOWN_TOPIC);
        assertThat(produced.getErrorMessage()).isNotBlank();
        assertThat(dataDirContents()).isEqualTo(before);
    }

    @ParameterizedTest(name = "group id {index}")
    @MethodSource("badNames")
    void oddGroupIdsGetAClearAnswer(String groupId) {
        Status status = statusOf(() -> GroupsGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .commitOffsets(CommitOffsetsRequest.newBuilder().setGroupId(groupId)
                        .addOffsets(OffsetCommit.newBuilder().setTopic("fuzzed").setPartition(0).setOffset(0)).build()));
        // Group ids are free text in Kafka; whatever this broker accepts, it answers clearly.
        if (!status.isOk()) {
            assertClear(status, "commit for group id of length " + groupId.length());
        }
    }

    @Test
    void aProduceStreamCarryingGarbageEndsWithAClearStatus() {
        MethodDescriptor<byte[], byte[]> produce = bytesMethod(ProducerGrpc.getProduceMethod().getFullMethodName(),
                MethodDescriptor.MethodType.BIDI_STREAMING);
        CompletableFuture<Status> closed = new CompletableFuture<>();
        StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(produce, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)), new StreamObserver<>() {
                    @Override
                    public void onNext(byte[] value) {
                    }

                    @Override
                    public void onError(Throwable t) {
                        closed.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        closed.complete(Status.OK);
                    }
                });
        requests.onNext(new byte[] {0x12, 0x7F, 'f'});
        Status status = closed.orTimeout(15, TimeUnit.SECONDS).join();
        assertClear(status, "produce stream");
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    private static void assertClear(Status status, String what) {
        assertThat(status.getCode()).as(what + ": " + status).isNotIn(Status.Code.OK, Status.Code.UNKNOWN,
                Status.Code.INTERNAL, Status.Code.DEADLINE_EXCEEDED);
        assertThat(status.getDescription()).as(what + ": " + status).isNotBlank();
    }

    private static ProduceResponse produce(ProduceRequest request) {
        CompletableFuture<ProduceResponse> response = new CompletableFuture<>();
        StreamObserver<ProduceRequest> stream = ProducerGrpc.newStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .produce(new StreamObserver<>() {
                    @Override
                    public void onNext(ProduceResponse value) {
                        response.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        response.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        stream.onNext(request);
        try {
            return response.orTimeout(15, TimeUnit.SECONDS).join();
        } finally {
            stream.onCompleted();
        }
    }

    private static Status rawUnary(String fullMethodName, byte[] body) {
        MethodDescriptor<byte[], byte[]> method = bytesMethod(fullMethodName, MethodDescriptor.MethodType.UNARY);
        return statusOf(() -> ClientCalls.blockingUnaryCall(channel, method,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), body));
    }

    private static Status statusOf(Runnable call) {
        try {
            call.run();
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    private static MethodDescriptor<byte[], byte[]> bytesMethod(String fullMethodName, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setFullMethodName(fullMethodName).setType(type)
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
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

    /** Everything under the data directory except the metadata database and the checkpoint, which change on their own. */
    private static List<Path> dataDirContents() throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(p -> !p.startsWith(dataDir.resolve("metadata")))
                    .filter(p -> !p.getFileName().toString().startsWith("recovery-point-offset-checkpoint"))
                    .sorted().toList();
        }
    }
}
