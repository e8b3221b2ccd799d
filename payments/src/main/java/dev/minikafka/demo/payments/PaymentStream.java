package dev.minikafka.demo.payments;

import dev.minikafka.demo.common.EventMeters;
import dev.minikafka.demo.common.PaymentEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Clock;

/**
 * The stream of payment events: generated, paced and sent through {@link StreamBridge} to the output
 * binding, whose destination and partitioning live in application.yml. Stopped until started (or
 * {@code payments.autostart}); stopped with the application.
 */
@Component
public class PaymentStream implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PaymentStream.class);

    private final StreamBridge bridge;
    private final EventMeters meters;
    private final PaymentsProperties properties;
    private final PaymentGenerator generator;
    private final PacedEmitter emitter;
    private volatile boolean lifecycleRunning;

    public PaymentStream(StreamBridge bridge, EventMeters meters, PaymentsProperties properties, Clock clock) {
        this.bridge = bridge;
        this.meters = meters;
        this.properties = properties;
        this.generator = new PaymentGenerator(properties.customers(), clock);
        this.emitter = new PacedEmitter(this::sendOne, properties.eventsPerMinute() / 60.0, System::nanoTime, "payments-emitter");
    }

    private boolean sendOne() {
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

    public void startEmitting() {
        emitter.start();
    }

    public void stopEmitting() {
        emitter.stop();
    }

    public boolean isEmitting() {
        return emitter.isRunning();
    }

    public double eventsPerSecond() {
        return emitter.eventsPerSecond();
    }

    public void setEventsPerSecond(double eventsPerSecond) {
        emitter.setRate(eventsPerSecond);
    }

    @Override
    public void start() {
        lifecycleRunning = true;
        if (properties.autostart()) {
            emitter.start();
        }
    }

    @Override
    public void stop() {
        emitter.stop();
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
