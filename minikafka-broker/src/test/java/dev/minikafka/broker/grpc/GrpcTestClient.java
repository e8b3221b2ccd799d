package dev.minikafka.broker.grpc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;

import dev.minikafka.protocol.Header;
import dev.minikafka.protocol.RecordBatchBuilder;
import dev.minikafka.proto.v1.Acks;
import dev.minikafka.proto.v1.AdminGrpc;
import dev.minikafka.proto.v1.ConsumerGrpc;
import dev.minikafka.proto.v1.CreateTopicRequest;
import dev.minikafka.proto.v1.FetchPartition;
import dev.minikafka.proto.v1.FetchRequest;
import dev.minikafka.proto.v1.PartitionData;
import dev.minikafka.proto.v1.ProduceRequest;
import dev.minikafka.proto.v1.ProduceResponse;
import dev.minikafka.proto.v1.ProducerGrpc;
import dev.minikafka.proto.v1.TopicConfig;
import dev.minikafka.proto.v1.TopicDescription;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

/** Raw-stub access to a broker under test: the wire contract exactly, without the client library. */
final class GrpcTestClient implements AutoCloseable {

    final ManagedChannel channel;
    final AdminGrpc.AdminBlockingStub admin;
    final ConsumerGrpc.ConsumerBlockingStub consumer;
    final ConsumerGrpc.ConsumerStub consumerAsync;
    private final StreamObserver<ProduceRequest> produceStream;
    private final ConcurrentHashMap<Long, CompletableFuture<ProduceResponse>> pending = new ConcurrentHashMap<>();
    private long nextCorrelationId;

    GrpcTestClient(int port) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .maxInboundMessageSize(32 * 1024 * 1024).build();
        admin = AdminGrpc.newBlockingStub(channel);
        consumer = ConsumerGrpc.newBlockingStub(channel);
        consumerAsync = ConsumerGrpc.newStub(channel);
        produceStream = ProducerGrpc.newStub(channel).produce(new StreamObserver<>() {
            @Override
            public void onNext(ProduceResponse response) {
                CompletableFuture<ProduceResponse> future = pending.remove(response.getCorrelationId());
                if (future != null) {
                    future.complete(response);
                }
            }

            @Override
            public void onError(Throwable t) {
                pending.values().forEach(f -> f.completeExceptionally(t));
            }

            @Override
            public void onCompleted() {
            }
        });
    }

    TopicDescription createTopic(String name, int partitions) {
        return admin.createTopic(CreateTopicRequest.newBuilder().setName(name).setPartitions(partitions).build());
    }

    TopicDescription createTopic(String name, int partitions, TopicConfig config) {
        return admin.createTopic(CreateTopicRequest.newBuilder().setName(name).setPartitions(partitions)
                .setConfig(config).build());
    }

    static ByteBuffer batch(long timestamp, String... values) {
        RecordBatchBuilder builder = new RecordBatchBuilder(1024);
        for (String value : values) {
            builder.append(timestamp, null, value.getBytes(), List.<Header>of());
        }
        return copy(builder.build());
    }

    static ByteBuffer keyedBatch(long timestamp, List<String[]> keyValues) {
        RecordBatchBuilder builder = new RecordBatchBuilder(1024);
        for (String[] kv : keyValues) {
            builder.append(timestamp, kv[0].getBytes(), kv[1].getBytes(), List.of(Header.of("k", kv[0])));
        }
        return copy(builder.build());
    }

    static ByteBuffer copy(ByteBuffer view) {
        ByteBuffer copy = ByteBuffer.allocate(view.remaining());
        copy.put(view.duplicate()).flip();
        return copy;
    }

    ProduceResponse produce(String topic, int partition, Acks acks, ByteBuffer... batches) throws Exception {
        return produceAsync(topic, partition, acks, batches).get(10, TimeUnit.SECONDS);
    }

    synchronized CompletableFuture<ProduceResponse> produceAsync(String topic, int partition, Acks acks, ByteBuffer... batches) {
        ByteString bytes = ByteString.EMPTY;
        for (ByteBuffer batch : batches) {
            bytes = bytes.concat(ByteString.copyFrom(batch.duplicate()));
        }
        long id = nextCorrelationId++;
        CompletableFuture<ProduceResponse> future = new CompletableFuture<>();
        pending.put(id, future);
        produceStream.onNext(ProduceRequest.newBuilder().setCorrelationId(id).setTopic(topic).setPartition(partition)
                .setAcks(acks).setBatches(bytes).build());
        return future;
    }

    PartitionData fetch(String topic, int partition, long offset, int maxWaitMs) {
        return consumer.fetch(FetchRequest.newBuilder().setMaxWaitMs(maxWaitMs).setMinBytes(1).setMaxBytes(1 << 20)
                .addPartitions(FetchPartition.newBuilder().setTopic(topic).setPartition(partition)
                        .setFetchOffset(offset).setPartitionMaxBytes(1 << 20))
                .build()).getPartitions(0);
    }

    /** Reads a partition from offset 0 to its end, record by record. */
    List<dev.minikafka.protocol.Record> readAll(String topic, int partition) {
        List<dev.minikafka.protocol.Record> records = new ArrayList<>();
        long offset = 0;
        while (true) {
            PartitionData data = fetch(topic, partition, offset, 0);
            if (data.getBatches().isEmpty()) {
                return records;
            }
            records.addAll(dev.minikafka.protocol.RecordBatch.decodeAll(data.getBatches().asReadOnlyByteBuffer(), offset));
            offset = data.getNextOffset();
        }
    }

    @Override
    public void close() throws InterruptedException {
        produceStream.onCompleted();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
