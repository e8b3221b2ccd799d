package dev.minikafka.broker.metrics;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import tools.jackson.databind.json.JsonMapper;

/**
 * The open {@code /api/v1/metrics/stream} connections. Each snapshot is serialized once and handed to
 * every stream; a stream still busy writing the previous one (a slow client) skips this one rather than
 * hold the others up, and a stream whose write fails is dropped. The number of streams is bounded.
 *
 * <p>Thread-safety: {@link #open} on request threads, {@link #publish} on the snapshotter's thread, sends
 * on a pool with at most one task per stream at a time, so a stream's events go out in order.
 */
@Component
final class SnapshotStreams {

    private static final Logger log = LoggerFactory.getLogger(SnapshotStreams.class);

    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final ExecutorService senders = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "minikafka-metrics-stream");
        thread.setDaemon(true);
        return thread;
    });
    private final JsonMapper json;
    private final int maxStreams;
    private final long retryMs;
    private final long timeoutMs;
    private volatile Event latest;
    private volatile boolean closed;

    SnapshotStreams(JsonMapper json, MetricsProperties properties) {
        this.json = json;
        this.maxStreams = properties.maxStreams();
        this.retryMs = properties.retry().toMillis();
        this.timeoutMs = properties.streamTimeout().toMillis();
    }

    /** A new stream that gets the latest snapshot at once, then every new one. */
    SseEmitter open() {
        Stream stream = new Stream(new SseEmitter(timeoutMs));
        synchronized (streams) {
            if (closed || streams.size() >= maxStreams) {
                throw new TooManyStreamsException(closed ? "the broker is shutting down"
                        : "at most " + maxStreams + " metrics streams may be open at once (minikafka.broker.metrics.max-streams)");
            }
            streams.add(stream);
        }
        SseEmitter emitter = stream.emitter;
        emitter.onCompletion(() -> streams.remove(stream));
        emitter.onTimeout(() -> {
            streams.remove(stream);
            emitter.complete();
        });
        emitter.onError(e -> streams.remove(stream));
        // Marked busy while the first event goes out, so a publish racing with it cannot send out of order.
        stream.sending.set(true);
        Event first = latest;
        if (first != null) {
            stream.send(first);
        } else {
            stream.sending.set(false);
        }
        return emitter;
    }

    void publish(MetricsSnapshot snapshot) {
        if (closed) {
            return; // a snapshot taken while the broker stops
        }
        Event event = new Event(snapshot.seq(), json.writeValueAsString(snapshot));
        latest = event;
        for (Stream stream : streams) {
            if (stream.sending.compareAndSet(false, true)) {
                senders.execute(() -> stream.send(event));
            }
        }
    }

    int openStreams() {
        return streams.size();
    }

    /** Ends every stream (before the web server's graceful shutdown, which would otherwise wait for them). */
    void closeAll() {
        synchronized (streams) {
            closed = true;
        }
        for (Stream stream : streams) {
            stream.emitter.complete();
        }
        streams.clear();
        senders.shutdown();
    }

    private record Event(long id, String data) {
    }

    private final class Stream {
        final SseEmitter emitter;
        final AtomicBoolean sending = new AtomicBoolean();

        Stream(SseEmitter emitter) {
            this.emitter = emitter;
        }

        void send(Event event) {
            try {
                emitter.send(SseEmitter.event()
                        .id(Long.toString(event.id()))
                        .name("snapshot")
                        .reconnectTime(retryMs)
                        .data(event.data()));
            } catch (IOException | IllegalStateException e) {
                // The client went away (or the emitter completed): forget the stream.
                log.debug("Dropping a metrics stream: {}", e.toString());
                streams.remove(this);
                emitter.completeWithError(e);
            } finally {
                sending.set(false);
            }
        }
    }
}
