package dev.minikafka.broker.grpc;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.springframework.stereotype.Service;

import java.io.IOException;

import dev.minikafka.broker.log.LogManager;
import dev.minikafka.broker.metrics.BrokerMetrics;
import dev.minikafka.broker.quota.QuotaManager;
import dev.minikafka.broker.topic.TopicRegistry;
import dev.minikafka.proto.v1.InitProducerIdRequest;
import dev.minikafka.proto.v1.InitProducerIdResponse;
import dev.minikafka.proto.v1.ProduceRequest;
import dev.minikafka.proto.v1.ProduceResponse;
import dev.minikafka.proto.v1.ProducerGrpc;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import jakarta.annotation.PreDestroy;

/** {@code minikafka.v1.Producer}: one {@link ProduceStream} per producer connection. */
@Service
public class ProducerGrpcService extends ProducerGrpc.ProducerImplBase {

    private final TopicRegistry topics;
    private final BrokerMetrics metrics;
    private final QuotaManager quotas;
    private final LogManager logs;
    /** Reads the next request of a throttled producer after its throttle time. */
    private final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "minikafka-throttle");
        thread.setDaemon(true);
        return thread;
    });

    public ProducerGrpcService(TopicRegistry topics, BrokerMetrics metrics, QuotaManager quotas, LogManager logs) {
        this.logs = logs;
        this.topics = topics;
        this.metrics = metrics;
        this.quotas = quotas;
    }

    @PreDestroy
    void stop() {
        delays.shutdownNow();
    }

    @Override
    public StreamObserver<ProduceRequest> produce(StreamObserver<ProduceResponse> responseObserver) {
        return new ProduceStream(topics, metrics, quotas, delays, (ServerCallStreamObserver<ProduceResponse>) responseObserver);
    }

    /** A fresh producer id (epoch 0); reserving a new block of ids costs one small fsynced file write. */
    @Override
    public void initProducerId(InitProducerIdRequest request, StreamObserver<InitProducerIdResponse> responseObserver) {
        long producerId;
        try {
            producerId = logs.producerIds().next();
        } catch (IOException e) {
            responseObserver.onError(Status.UNAVAILABLE.withDescription("could not reserve producer ids in the data "
                    + "directory: " + e.getMessage()).asRuntimeException());
            return;
        }
        responseObserver.onNext(InitProducerIdResponse.newBuilder().setProducerId(producerId).setProducerEpoch(0).build());
        responseObserver.onCompleted();
    }
}
