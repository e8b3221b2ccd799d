package dev.minikafka.broker.grpc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.minikafka.broker.topic.Topic;
import dev.minikafka.proto.v1.FetchPartition;
import dev.minikafka.proto.v1.FetchRequest;
import dev.minikafka.proto.v1.FetchResponse;
import dev.minikafka.proto.v1.PartitionData;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * One long-poll fetch: answers at once when {@code min_bytes} are there, otherwise waits on the named
 * partitions' {@code DataWaiters} until enough arrives, a watched topic is deleted, or {@code max_wait_ms}
 * passes, as Kafka's purgatory does. Completes exactly once (the {@code completed} flag), whichever of append,
 * delete, timeout or cancellation comes first.
 */
final class DelayedFetch implements Runnable {

    private final FetchRequest request;
    private final int maxBytes;
    private final long waitMs;
    private final FetchReader reader;
    private final ScheduledExecutorService scheduler;
    private final ServerCallStreamObserver<FetchResponse> responses;
    private final AtomicBoolean completed = new AtomicBoolean();
    private final List<Topic> watchedTopics = new ArrayList<>();
    private final List<Integer> watchedPartitions = new ArrayList<>();
    private volatile ScheduledFuture<?> timeout;
    private final Runnable wake = () -> scheduleRead();
    private Runnable afterReRead = () -> { };

    DelayedFetch(FetchRequest request, int maxBytes, long waitMs, FetchReader reader,
            ScheduledExecutorService scheduler, ServerCallStreamObserver<FetchResponse> responses) {
        this.request = request;
        this.maxBytes = maxBytes;
        this.waitMs = waitMs;
        this.reader = reader;
        this.scheduler = scheduler;
        this.responses = responses;
    }

    /** Tests only: runs after each re-read, before its answer is judged, to append at exactly that moment. */
    void afterReRead(Runnable action) {
        afterReRead = action;
    }

    void start() {
        reader.fetchStarted();
        // A client that goes away mid-wait leaves nothing behind: no waiter on the partitions, no timeout task.
        responses.setOnCancelHandler(() -> {
            if (completed.compareAndSet(false, true)) {
                release();
            }
        });
        FetchResponse response = readAll();
        if (enough(response) || waitMs <= 0) {
            complete(response);
            return;
        }
        // Register first, then re-read: data appended between the first read and registering is not missed.
        for (FetchPartition p : request.getPartitionsList()) {
            Topic topic = reader.resolve(p.getTopic(), p.getPartition(), PartitionData.newBuilder());
            if (topic != null) {
                topic.waiters(p.getPartition()).register(wake);
                watchedTopics.add(topic);
                watchedPartitions.add(p.getPartition());
            }
        }
        timeout = scheduler.schedule(this, waitMs, TimeUnit.MILLISECONDS);
        scheduleRead();
    }

    /** The timeout: answer with whatever is there. */
    @Override
    public void run() {
        if (!completed.get()) {
            complete(readAll());
        }
    }

    private void scheduleRead() {
        if (completed.get()) {
            return;
        }
        scheduler.execute(() -> {
            if (completed.get()) {
                return;
            }
            // Register before reading (the wake-up that got us here was used up): an append or a delete
            // after the read wakes us again. A waiter is held once however often it registers.
            for (int i = 0; i < watchedTopics.size(); i++) {
                watchedTopics.get(i).waiters(watchedPartitions.get(i)).register(wake);
            }
            FetchResponse response = readAll();
            afterReRead.run();
            if (enough(response) || !watchingLiveTopics()) {
                complete(response);
            }
            if (completed.get()) {
                unregister(); // answered, or cancelled while we registered: take the waiters back
            }
        });
    }

    /**
     * False once a watched topic is deleted (its delete wakes us): its partitions are answered at once, with
     * UNKNOWN_TOPIC, or from a topic created since under the name, whose waiters this fetch does not hold.
     */
    private boolean watchingLiveTopics() {
        for (Topic topic : watchedTopics) {
            if (!reader.isLive(topic)) {
                return false;
            }
        }
        return true;
    }

    private boolean enough(FetchResponse response) {
        int bytes = 0;
        for (PartitionData data : response.getPartitionsList()) {
            if (data.getErrorCodeValue() != 0) {
                return true; // errors are answered at once
            }
            bytes += data.getBatches().size();
        }
        return bytes > 0 && bytes >= request.getMinBytes();
    }

    private FetchResponse readAll() {
        FetchResponse.Builder response = FetchResponse.newBuilder();
        int remaining = maxBytes;
        for (FetchPartition p : request.getPartitionsList()) {
            PartitionData.Builder error = PartitionData.newBuilder();
            Topic topic = reader.resolve(p.getTopic(), p.getPartition(), error);
            if (topic == null) {
                response.addPartitions(error.setNextOffset(p.getFetchOffset()));
                continue;
            }
            int partitionMax = p.getPartitionMaxBytes() == 0 ? ConsumerGrpcService.DEFAULT_PARTITION_MAX_BYTES : p.getPartitionMaxBytes();
            int budget = Math.min(partitionMax, Math.max(remaining, 0));
            boolean first = remaining == maxBytes;
            PartitionData data;
            if (budget <= 0 && !first) {
                data = reader.offsetsOnly(topic, p.getPartition(), p.getFetchOffset());
            } else {
                data = reader.read(topic, p.getPartition(), p.getFetchOffset(), budget);
                if (!first && data.getBatches().size() > remaining) {
                    // Only the first partition with data may exceed the budget (so a consumer always progresses).
                    data = data.toBuilder().clearBatches().setNextOffset(p.getFetchOffset()).build();
                }
            }
            remaining -= data.getBatches().size();
            response.addPartitions(data);
        }
        return response.build();
    }

    private void complete(FetchResponse response) {
        if (!completed.compareAndSet(false, true)) {
            return;
        }
        release();
        if (responses.isCancelled()) {
            return;
        }
        responses.onNext(response);
        responses.onCompleted();
        for (PartitionData data : response.getPartitionsList()) {
            reader.delivered(data);
        }
    }

    /** Once, when the fetch is answered or cancelled. */
    private void release() {
        reader.fetchFinished();
        ScheduledFuture<?> pending = timeout;
        if (pending != null) {
            pending.cancel(false);
        }
        unregister();
    }

    private void unregister() {
        for (int i = 0; i < watchedTopics.size(); i++) {
            watchedTopics.get(i).waiters(watchedPartitions.get(i)).unregister(wake);
        }
    }
}
