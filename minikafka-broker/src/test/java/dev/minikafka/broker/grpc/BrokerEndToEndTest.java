package dev.minikafka.broker.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.client.Murmur2Partitioner;
import dev.minikafka.protocol.BatchLayout;
import dev.minikafka.protocol.Record;
import dev.minikafka.proto.v1.Acks;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.FetchPartition;
import dev.minikafka.proto.v1.FetchRequest;
import dev.minikafka.proto.v1.GroupMember;
import dev.minikafka.proto.v1.ListOffsetsRequest;
import dev.minikafka.proto.v1.OffsetQuery;
import dev.minikafka.proto.v1.PartitionData;
import dev.minikafka.proto.v1.ProduceResponse;
import dev.minikafka.proto.v1.SubscribeRequest;
import dev.minikafka.proto.v1.DeleteTopicRequest;
import dev.minikafka.proto.v1.DescribeTopicRequest;
import dev.minikafka.proto.v1.TopicConfig;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/**
 * The broker as a user runs it: the Spring Boot application on a temporary data directory, real gRPC
 * over loopback, the embedded H2 metadata store.
 */
class BrokerEndToEndTest {

    @TempDir
    static Path dataDir;

    static ConfigurableApplicationContext broker;
    static GrpcTestClient client;

    @BeforeAll
    static void startBroker() {
        broker = BrokerRunner.start(dataDir);
        client = new GrpcTestClient(BrokerRunner.grpcPort(broker));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        client.close();
        broker.close();
    }

    @Test
    void shouldDeliverKeyedRecordsToTheirMurmur2PartitionInOrderWithDenseOffsets() throws Exception {
        int partitions = 8;
        client.createTopic("orders-keyed", partitions);
        Map<Integer, List<String[]>> byPartition = new HashMap<>();
        for (int i = 0; i < 2_000; i++) {
            String key = "customer-" + (i % 97);
            byPartition.computeIfAbsent(Murmur2Partitioner.partition(key, partitions), p -> new ArrayList<>())
                    .add(new String[] {key, "payment-" + i});
        }
        List<CompletableFuture<ProduceResponse>> acks = new ArrayList<>();
        for (var entry : byPartition.entrySet()) {
            List<String[]> records = entry.getValue();
            for (int from = 0; from < records.size(); from += 50) {
                List<String[]> chunk = records.subList(from, Math.min(records.size(), from + 50));
                acks.add(client.produceAsync("orders-keyed", entry.getKey(), Acks.ACKS_LEADER,
                        GrpcTestClient.keyedBatch(System.currentTimeMillis(), chunk)));
            }
        }
        for (CompletableFuture<ProduceResponse> ack : acks) {
            assertThat(ack.get(10, TimeUnit.SECONDS).getErrorCode()).isEqualTo(ErrorCode.NONE);
        }

        for (var entry : byPartition.entrySet()) {
            List<Record> read = client.readAll("orders-keyed", entry.getKey());
            List<String[]> sent = entry.getValue();
            assertThat(read).hasSize(sent.size());
            for (int i = 0; i < read.size(); i++) {
                assertThat(read.get(i).offset()).isEqualTo(i);
                assertThat(read.get(i).keyAsString()).isEqualTo(sent.get(i)[0]);
                assertThat(read.get(i).valueAsString()).isEqualTo(sent.get(i)[1]);
                assertThat(read.get(i).headers().get(0).valueAsString()).isEqualTo(sent.get(i)[0]);
            }
        }
    }

    @Test
    void shouldAnswerEachAckModeWithTheBaseOffsetOfTheRequest() throws Exception {
        client.createTopic("acks", 1);
        ProduceResponse leader = client.produce("acks", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(1L, "a", "b", "c"));
        ProduceResponse durable = client.produce("acks", 0, Acks.ACKS_DURABLE, GrpcTestClient.batch(2L, "d"),
                GrpcTestClient.batch(3L, "e", "f"));
        assertThat(leader.getBaseOffset()).isZero();
        assertThat(durable.getBaseOffset()).isEqualTo(3);
        client.produceAsync("acks", 0, Acks.ACKS_NONE, GrpcTestClient.batch(4L, "g"));
        ProduceResponse after = client.produce("acks", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(5L, "h"));
        assertThat(after.getBaseOffset()).isEqualTo(7);
        assertThat(client.readAll("acks", 0)).extracting(Record::valueAsString)
                .containsExactly("a", "b", "c", "d", "e", "f", "g", "h");
    }

    @Test
    void shouldRejectBadProduceRequestsWithAClearCodeAndChangeNothing() throws Exception {
        client.createTopic("strict", 2, TopicConfig.newBuilder().setMaxMessageBytes(1024).build());
        client.produce("strict", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(1L, "kept"));

        assertError(client.produce("no-such-topic", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(1L, "x")),
                ErrorCode.UNKNOWN_TOPIC, "does not exist");
        assertError(client.produce("bad name!", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(1L, "x")),
                ErrorCode.INVALID_TOPIC, "may contain only");
        assertError(client.produce("strict", 2, Acks.ACKS_LEADER, GrpcTestClient.batch(1L, "x")),
                ErrorCode.PARTITION_OUT_OF_RANGE, "partitions 0..1");
        assertError(client.produce("strict", 0, Acks.ACKS_LEADER), ErrorCode.INVALID_REQUEST, "no batches");

        ByteBuffer corrupt = GrpcTestClient.batch(1L, "flip me");
        corrupt.put(corrupt.limit() - 1, (byte) (corrupt.get(corrupt.limit() - 1) ^ 0x1));
        assertError(client.produce("strict", 0, Acks.ACKS_LEADER, corrupt), ErrorCode.CORRUPT_BATCH, "CRC");

        ByteBuffer whole = GrpcTestClient.batch(1L, "cut short");
        ByteBuffer truncated = whole.slice(0, whole.limit() - 3);
        assertError(client.produce("strict", 0, Acks.ACKS_LEADER, truncated), ErrorCode.CORRUPT_BATCH, "truncated");

        ByteBuffer badMagic = GrpcTestClient.batch(1L, "v0");
        badMagic.put(BatchLayout.MAGIC_OFFSET, (byte) 7);
        assertError(client.produce("strict", 0, Acks.ACKS_LEADER, badMagic), ErrorCode.CORRUPT_BATCH, "magic");

        assertError(client.produce("strict", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(1L, "x".repeat(2000))),
                ErrorCode.RECORD_TOO_LARGE, "max.message.bytes");

        assertThat(client.readAll("strict", 0)).extracting(Record::valueAsString).containsExactly("kept");
        assertThat(client.readAll("strict", 1)).isEmpty();
    }

    @Test
    void shouldRejectBadFetchesAndAdminCallsWithStatusesThatSayWhy() throws Exception {
        client.createTopic("ranges", 1);
        client.produce("ranges", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(1L, "a", "b"));

        PartitionData beyond = client.fetch("ranges", 0, 5, 0);
        assertThat(beyond.getErrorCode()).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
        assertThat(beyond.getErrorMessage()).contains("0").contains("2");
        assertThat(client.fetch("nope", 0, 0, 0).getErrorCode()).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
        assertThat(client.fetch("ranges", 3, 0, 0).getErrorCode()).isEqualTo(ErrorCode.PARTITION_OUT_OF_RANGE);
        assertStatus(() -> client.fetch("ranges", 0, -1, 0), Status.Code.INVALID_ARGUMENT, "must not be negative");

        assertStatus(() -> client.createTopic("ranges", 1), Status.Code.ALREADY_EXISTS, "already exists");
        assertStatus(() -> client.createTopic("white space", 1), Status.Code.INVALID_ARGUMENT, "may contain only");
        assertStatus(() -> client.createTopic("zero", 0), Status.Code.INVALID_ARGUMENT, "partitions must be between");
        assertStatus(() -> client.createTopic("tiny", 1, TopicConfig.newBuilder().setSegmentBytes(10).build()),
                Status.Code.INVALID_ARGUMENT, "segment.bytes");
        assertStatus(() -> client.admin.describeTopic(DescribeTopicRequest.newBuilder().setName("ghost").build()),
                Status.Code.NOT_FOUND, "ghost");
    }

    @Test
    void shouldRejectAFetchOfANegativePartitionWithInvalidArgumentAlsoForAGroupMember() {
        client.createTopic("negative", 1);
        for (FetchRequest.Builder request : List.of(FetchRequest.newBuilder()
                .setMember(GroupMember.newBuilder().setGroupId("g").setMemberId("m").setMemberEpoch(1)), FetchRequest.newBuilder())) {
            request.addPartitions(FetchPartition.newBuilder().setTopic("negative").setPartition(-1).setFetchOffset(0));
            assertStatus(() -> client.consumer.fetch(request.build()), Status.Code.INVALID_ARGUMENT,
                    "partition must not be negative (topic negative, partition -1)");
        }
    }

    @Test
    void shouldAnswerALongPollAsSoonAsDataArrives() throws Exception {
        client.createTopic("long-poll", 1);
        CompletableFuture<PartitionData> waiting = CompletableFuture.supplyAsync(() -> client.fetch("long-poll", 0, 0, 20_000));
        Thread.sleep(300);
        assertThat(waiting).isNotDone();
        client.produce("long-poll", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(1L, "wake up"));
        PartitionData data = waiting.get(10, TimeUnit.SECONDS);
        assertThat(data.getErrorCode()).isEqualTo(ErrorCode.NONE);
        assertThat(data.getNextOffset()).isEqualTo(1);
    }

    @Test
    void shouldStreamAppendedBatchesToASubscriberFromTheEarliestOffset() throws Exception {
        client.createTopic("stream", 1);
        client.produce("stream", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(1L, "before"));
        LinkedBlockingQueue<PartitionData> received = new LinkedBlockingQueue<>();
        client.consumerAsync.subscribe(SubscribeRequest.newBuilder().setTopic("stream").setPartition(0).setOffset(-2).build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(PartitionData value) {
                        received.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        for (int i = 0; i < 5; i++) {
            client.produce("stream", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(2L, "after-" + i));
        }
        List<String> values = new ArrayList<>();
        while (values.size() < 6) {
            PartitionData data = received.poll(10, TimeUnit.SECONDS);
            assertThat(data).as("a streamed batch").isNotNull();
            dev.minikafka.protocol.RecordBatch.decodeAll(data.getBatches().asReadOnlyByteBuffer(), 0)
                    .forEach(r -> values.add(r.valueAsString()));
        }
        assertThat(values).containsExactly("before", "after-0", "after-1", "after-2", "after-3", "after-4");
    }

    @Test
    void shouldEndACaughtUpSubscriptionWithNotFoundWhenItsTopicIsDeleted() throws Exception {
        client.createTopic("doomed-stream", 1);
        client.produce("doomed-stream", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(1L, "only"));
        LinkedBlockingQueue<PartitionData> received = new LinkedBlockingQueue<>();
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        client.consumerAsync.subscribe(SubscribeRequest.newBuilder().setTopic("doomed-stream").setPartition(0)
                .setOffset(-2).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(PartitionData value) {
                        received.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        ended.complete(t);
                    }

                    @Override
                    public void onCompleted() {
                        ended.complete(null);
                    }
                });
        assertThat(received.poll(10, TimeUnit.SECONDS)).as("the batch before the end").isNotNull();
        Thread.sleep(300); // caught up: parked on the partition's waiters

        client.admin.deleteTopic(DeleteTopicRequest.newBuilder().setName("doomed-stream").build());

        assertThat(ended.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(e.getStatus().getDescription()).contains("'doomed-stream'").contains("deleted");
        });
    }

    @Test
    void shouldAnswerALongPollAtOnceWhenItsTopicIsDeleted() throws Exception {
        client.createTopic("doomed-poll", 1);
        // Its own thread: on old code this call waited 20 s, and the common pool may have one thread only.
        CompletableFuture<PartitionData> waiting = CompletableFuture.supplyAsync(() -> client.fetch("doomed-poll", 0, 0, 20_000),
                runnable -> Thread.ofPlatform().daemon().start(runnable));
        Thread.sleep(300);
        assertThat(waiting).isNotDone();

        client.admin.deleteTopic(DeleteTopicRequest.newBuilder().setName("doomed-poll").build());

        PartitionData data = waiting.get(5, TimeUnit.SECONDS);
        assertThat(data.getErrorCode()).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
        assertThat(data.getErrorMessage()).contains("'doomed-poll'");
    }

    @Test
    void shouldFindOffsetsByTimestampAndTheEarliestAndLatest() throws Exception {
        client.createTopic("timed", 1);
        client.produce("timed", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(1_000L, "a", "b"));
        client.produce("timed", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(2_000L, "c"));
        client.produce("timed", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(3_000L, "d"));
        Iterator<Long> answers = client.admin.listOffsets(ListOffsetsRequest.newBuilder()
                .addQueries(query(-2)).addQueries(query(-1)).addQueries(query(1_500)).addQueries(query(3_000))
                .addQueries(query(9_000)).build())
                .getAnswersList().stream().map(a -> a.getOffset()).iterator();
        assertThat(answers).toIterable().containsExactly(0L, 4L, 2L, 3L, -1L);
    }

    private static OffsetQuery query(long timestamp) {
        return OffsetQuery.newBuilder().setTopic("timed").setPartition(0).setTimestamp(timestamp).build();
    }

    private static void assertError(ProduceResponse response, ErrorCode code, String messagePart) {
        assertThat(response.getErrorCode()).isEqualTo(code);
        assertThat(response.getErrorMessage()).contains(messagePart);
        assertThat(response.getBaseOffset()).isEqualTo(-1);
    }

    private static void assertStatus(Runnable call, Status.Code code, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(messagePart);
        });
    }
}
