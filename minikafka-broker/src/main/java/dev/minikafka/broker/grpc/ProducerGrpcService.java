package dev.minikafka.broker.grpc;

import org.springframework.stereotype.Service;

import dev.minikafka.broker.metrics.BrokerMetrics;

import dev.minikafka.broker.topic.TopicRegistry;
import dev.minikafka.proto.v1.ProduceRequest;
import dev.minikafka.proto.v1.ProduceResponse;
import dev.minikafka.proto.v1.ProducerGrpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** {@code minikafka.v1.Producer}: one {@link ProduceStream} per producer connection. */
@Service
public class ProducerGrpcService extends ProducerGrpc.ProducerImplBase {

    private final TopicRegistry topics;
    private final BrokerMetrics metrics;

    public ProducerGrpcService(TopicRegistry topics, BrokerMetrics metrics) {
        this.topics = topics;
        this.metrics = metrics;
    }

    @Override
    public StreamObserver<ProduceRequest> produce(StreamObserver<ProduceResponse> responseObserver) {
        return new ProduceStream(topics, metrics, (ServerCallStreamObserver<ProduceResponse>) responseObserver);
    }
}
