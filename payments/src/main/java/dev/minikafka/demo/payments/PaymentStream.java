package dev.minikafka.demo.payments;

import dev.minikafka.demo.common.EventMeters;
import dev.minikafka.demo.common.PaymentEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The stream of payment events: generated, paced and sent through {@link StreamBridge} to the output
 * binding, whose destination and partitioning live in application.yml. {@code payments.senders} pacing
 * threads each send an equal share of the rate for their own share of the customers (one customer, one
 * thread: its events stay in order). Stopped until started (or {@code payments.autostart}); stopped with
 * the application.
 */
@Component
public class PaymentStream implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PaymentStream.class);

    private final StreamBridge bridge;
    private final EventMeters meters;
    private final PaymentsProperties properties;
    private final List<PacedEmitter> emitters;
    private volatile double eventsPerSecond;
    private volatile boolean lifecycleRunning;

    public PaymentStream(StreamBridge bridge, EventMeters meters, PaymentsProperties properties, Clock clock) {
        this.bridge = bridge;
        this.meters = meters;
        this.properties = properties;
        this.eventsPerSecond = properties.eventsPerMinute() / 60.0;
        int senders = properties.senders();
        List<PacedEmitter> shards = new ArrayList<>(senders);
        for (int shard = 0; shard < senders; shard++) {
            PaymentGenerator generator = new PaymentGenerator(properties.customers(), shard, senders, clock);
            shards.add(new PacedEmitter(() -> sendOne(generator), eventsPerSecond / senders, System::nanoTime,
                    "payments-sender-" + shard));
        }
        this.emitters = List.copyOf(shards);
    }

    private boolean sendOne(PaymentGenerator generator) {
        PaymentEvent event = generator.next();
        long start = System.nanoTime();
        try {
            if (bridge.send(properties.binding(), event)) {
                meters.sent(System.nanoTime() - start);
                return true;
            }
            meters.sendFailed();
        } catch (RuntimeException e) {
            meters.sendFailed();
            log.debug("send failed", e);
        }
        return false;
    }

    public synchronized void startEmitting() {
        emitters.forEach(PacedEmitter::start);
    }

    public synchronized void stopEmitting() {
        emitters.forEach(PacedEmitter::stop);
    }

    public boolean isEmitting() {
        return emitters.getFirst().isRunning();
    }

    public double eventsPerSecond() {
        return eventsPerSecond;
    }

    public synchronized void setEventsPerSecond(double eventsPerSecond) {
        for (PacedEmitter emitter : emitters) {
            emitter.setRate(eventsPerSecond / emitters.size());
        }
        this.eventsPerSecond = eventsPerSecond;
    }

    @Override
    public void start() {
        lifecycleRunning = true;
        if (properties.autostart()) {
            startEmitting();
        }
    }

    @Override
    public void stop() {
        stopEmitting();
        lifecycleRunning = false;
    }

    @Override
    public boolean isRunning() {
        return lifecycleRunning;
    }

    @Override
    public int getPhase() {
        // After the bindings start, before they stop.
        return Integer.MAX_VALUE - 1000;
    }
}
