package dev.minikafka.broker.grpc;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

import io.grpc.stub.ServerCallStreamObserver;

/**
 * The server side of one call, without a network: records what the broker sends, and lets a test cancel the
 * call at a chosen moment, here when the broker next asks whether the call is ready.
 */
final class FakeServerCall<T> extends ServerCallStreamObserver<T> {

    final LinkedBlockingQueue<T> sent = new LinkedBlockingQueue<>();
    final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    private volatile Runnable onCancel = () -> { };
    private volatile boolean cancelled;
    private volatile boolean cancelOnNextIsReady;

    /** The client cancels the call the next time the broker checks {@link #isReady()}, just after that check. */
    void cancelOnNextIsReady() {
        cancelOnNextIsReady = true;
    }

    void cancel() {
        cancelled = true;
        onCancel.run();
    }

    @Override
    public boolean isReady() {
        if (cancelOnNextIsReady) {
            cancelOnNextIsReady = false;
            cancel();
        }
        return true;
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void setOnCancelHandler(Runnable onCancelHandler) {
        onCancel = onCancelHandler;
    }

    @Override
    public void onNext(T value) {
        sent.add(value);
    }

    @Override
    public void onError(Throwable t) {
        ended.complete(t);
    }

    @Override
    public void onCompleted() {
        ended.complete(null);
    }

    @Override
    public void setOnReadyHandler(Runnable onReadyHandler) {
    }

    @Override
    public void setCompression(String compression) {
    }

    @Override
    public void disableAutoInboundFlowControl() {
    }

    @Override
    public void request(int count) {
    }

    @Override
    public void setMessageCompression(boolean enable) {
    }
}
