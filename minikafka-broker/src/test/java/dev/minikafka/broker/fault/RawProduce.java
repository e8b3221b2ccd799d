package dev.minikafka.broker.fault;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;

import dev.minikafka.protocol.Header;
import dev.minikafka.protocol.RecordBatchBuilder;
import dev.minikafka.proto.v1.Acks;
import dev.minikafka.proto.v1.ProduceRequest;
import dev.minikafka.proto.v1.ProduceResponse;
import dev.minikafka.proto.v1.ProducerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

/** One produce request on the raw stub, to see the broker's answer exactly (the client would retry it). */
public final class RawProduce {

    private RawProduce() {
    }

    static ProduceResponse once(int port, String topic, int partition, String value) throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            return once(channel, topic, partition, value, Acks.ACKS_DURABLE);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** One request of one record on its own stream of {@code channel}, with the given acks. */
    public static ProduceResponse once(ManagedChannel channel, String topic, int partition, String value, Acks acks)
            throws Exception {
        CompletableFuture<ProduceResponse> answer = new CompletableFuture<>();
        StreamObserver<ProduceRequest> stream = ProducerGrpc.newStub(channel).produce(new StreamObserver<>() {
            @Override
            public void onNext(ProduceResponse response) {
                answer.complete(response);
            }

            @Override
            public void onError(Throwable t) {
                answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
            }
        });
        RecordBatchBuilder batch = new RecordBatchBuilder(1024);
        batch.append(System.currentTimeMillis(), null, value.getBytes(StandardCharsets.UTF_8), List.<Header>of());
        stream.onNext(ProduceRequest.newBuilder().setTopic(topic).setPartition(partition).setAcks(acks)
                .setBatches(ByteString.copyFrom(batch.build())).build());
        ProduceResponse response = answer.get(30, TimeUnit.SECONDS);
        stream.onCompleted();
        return response;
    }
}
