package dev.minikafka.broker.support;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.grpc.server.GlobalServerInterceptor;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * A broker-side fault for client tests: after {@link #hold}, calls of one unary gRPC method are held before the
 * broker handles them (at most a minute), like a broker whose offset store is slow to answer, until
 * {@link #release()}; other calls pass untouched. Register it with {@link BrokerRunner#startWith}. A held call
 * the client cancelled meanwhile is dropped. Each held call blocks a thread of the broker's gRPC executor.
 */
@GlobalServerInterceptor
public final class StallingInterceptor implements ServerInterceptor {

    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    private volatile String method = "";
    private volatile CountDownLatch gate = new CountDownLatch(0);

    /** Holds the calls of {@code method} from now on until {@link #release()}; counts them afresh. */
    public void hold(MethodDescriptor<?, ?> method) {
        calls.set(0);
        held.set(0);
        this.method = method.getFullMethodName();
        gate = new CountDownLatch(1);
    }

    public void release() {
        gate.countDown();
    }

    /** Calls of the method last held, since {@link #hold}. */
    public int calls() {
        return calls.get();
    }

    /** Of those, the calls that were held. */
    public int held() {
        return held.get();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> listener = next.startCall(call, headers);
        if (!call.getMethodDescriptor().getFullMethodName().equals(method)) {
            return listener;
        }
        calls.incrementAndGet();
        CountDownLatch gateAtCall = gate;
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onHalfClose() {
                if (gateAtCall.getCount() > 0) {
                    held.incrementAndGet();
                    try {
                        gateAtCall.await(1, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    if (call.isCancelled()) {
                        return; // the client gave up on it: the broker never handles it
                    }
                }
                super.onHalfClose();
            }
        };
    }
}
