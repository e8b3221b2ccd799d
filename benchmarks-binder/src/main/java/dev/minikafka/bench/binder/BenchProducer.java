package dev.minikafka.bench.binder;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Profile;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Component;

/**
 * Sends {@code bench.records} payloads of {@code bench.payload-size} random bytes through {@link StreamBridge}
 * to the binding {@code bench-out-0}, each stamped with {@link SentAt}, from one thread: paced to
 * {@code bench.rate} per second, or as fast as the binder's (asynchronous) send returns when the rate is 0.
 * Reports how long the sends took; what is still buffered is flushed when the application closes.
 */
@Component
@Profile("producer")
final class BenchProducer implements BenchRole {

    static final String BINDING = "bench-out-0";

    private final StreamBridge bridge;
    private final BenchProperties props;

    BenchProducer(StreamBridge bridge, BenchProperties props) {
        this.bridge = bridge;
        this.props = props;
    }

    @Override
    public boolean run() {
        final int records = props.records();
        final long interval = props.rate() > 0 ? 1_000_000_000L / props.rate() : 0;
        byte[] payload = new byte[props.payloadSize()];
        ThreadLocalRandom.current().nextBytes(payload); // one array for all: the binders copy it into their batches
        long start = System.nanoTime();
        for (int i = 0; i < records; i++) {
            if (interval > 0) {
                waitUntil(start + i * interval);
            }
            bridge.send(BINDING, MessageBuilder.withPayload(payload).setHeader(SentAt.HEADER, SentAt.nowMicros()).build());
        }
        long nanos = System.nanoTime() - start;
        double seconds = nanos / 1e9;
        String json = String.format(java.util.Locale.ROOT,
                "{\"role\":\"producer\",\"records\":%d,\"rate\":%d,\"payloadSize\":%d,\"seconds\":%.3f,\"sendsPerSecond\":%.0f}",
                records, props.rate(), props.payloadSize(), seconds, records / seconds);
        System.out.printf(java.util.Locale.ROOT, "producer: %,d records in %.2f s, %,.0f sends/s (target rate %s)%n",
                records, seconds, records / seconds, props.rate() > 0 ? props.rate() + "/s" : "none");
        Reports.write(props.report(), json);
        return true;
    }

    private static void waitUntil(long due) {
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            if (wait > 100_000) {
                LockSupport.parkNanos(wait - 50_000);
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
