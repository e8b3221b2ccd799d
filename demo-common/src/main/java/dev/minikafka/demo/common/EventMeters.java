package dev.minikafka.demo.common;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters every demo service reports, in Prometheus and in {@code /stats}: events, processing and
 * end-to-end latency, errors, retries and dead-lettered events.
 *
 * <p>Retries are counted here rather than read from a binder's header, so the count means the same under
 * every binder: an attempt for an event id that failed before is a retry. Ids of events between a failed
 * attempt and their last attempt are remembered, at most {@value #MAX_TRACKED_FAILURES} of them.
 * Thread-safe.
 */
public final class EventMeters {

    static final int MAX_TRACKED_FAILURES = 10_000;
    private static final Duration PERCENTILE_WINDOW = Duration.ofSeconds(30);

    private final DemoProperties properties;
    private final Clock clock;
    private final Counter events;
    private final Timer processing;
    private final Timer endToEnd;
    private final Counter errors;
    private final Counter retries;
    private final Counter deadLettered;
    private final EventRate rate;
    private final Map<String, Integer> failedAttempts = new ConcurrentHashMap<>();

    public EventMeters(MeterRegistry registry, DemoProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
        String service = properties.service();
        String eventsName = isProducer() ? "demo.events.produced" : "demo.events.consumed";
        this.events = Counter.builder(eventsName).tag("service", service)
                .description("events " + (isProducer() ? "sent" : "consumed")).register(registry);
        this.processing = latencyTimer("demo.processing.latency", "time spent handling one event", service, registry);
        this.endToEnd = latencyTimer("demo.end.to.end.latency", "event timestamp to the end of its handling", service, registry);
        this.errors = Counter.builder("demo.errors").tag("service", service)
                .description("failed attempts").register(registry);
        this.retries = Counter.builder("demo.retries").tag("service", service)
                .description("attempts after the first").register(registry);
        this.deadLettered = Counter.builder("demo.dlq").tag("service", service)
                .description("events handed to the dead-letter destination").register(registry);
        this.rate = new EventRate(clock::millis);
    }

    private static Timer latencyTimer(String name, String description, String service, MeterRegistry registry) {
        return Timer.builder(name).tag("service", service).description(description)
                .publishPercentileHistogram()
                .publishPercentiles(0.5, 0.95, 0.99)
                .distributionStatisticExpiry(PERCENTILE_WINDOW)
                .distributionStatisticBufferLength(3)
                .register(registry);
    }

    private boolean isProducer() {
        return "producer".equals(properties.role());
    }

    /**
     * Runs a consumer's handling of one event and records it: latency and the event on success; the error,
     * and on the last attempt the dead-lettering, on failure, rethrowing so the binder retries or gives up.
     */
    public void consume(PaymentEvent event, Runnable handling) {
        Integer failedBefore = countRetry(event);
        long start = System.nanoTime();
        try {
            handling.run();
        } catch (RuntimeException e) {
            failed(event, attemptNumber(failedBefore));
            throw e;
        }
        succeeded(event, failedBefore, System.nanoTime() - start);
    }

    /**
     * Runs a consumer's handling of a batch of events (a binding in batch mode) and records each event as
     * {@link #consume} does: on success each event's processing latency is its share of the batch's time; on
     * failure every event of the batch had a failed attempt (the binder retries or gives up the whole batch).
     */
    public void consumeAll(List<PaymentEvent> batch, Runnable handling) {
        int size = batch.size();
        Integer[] failedBefore = new Integer[size];
        for (int i = 0; i < size; i++) {
            failedBefore[i] = countRetry(batch.get(i));
        }
        long start = System.nanoTime();
        try {
            handling.run();
        } catch (RuntimeException e) {
            for (int i = 0; i < size; i++) {
                failed(batch.get(i), attemptNumber(failedBefore[i]));
            }
            throw e;
        }
        long share = size == 0 ? 0 : (System.nanoTime() - start) / size;
        for (int i = 0; i < size; i++) {
            succeeded(batch.get(i), failedBefore[i], share);
        }
    }

    /** The attempts that failed before this one (null for none), counting this attempt as a retry if any did. */
    private Integer countRetry(PaymentEvent event) {
        Integer failedBefore = event.id() == null ? null : failedAttempts.get(event.id());
        if (failedBefore != null) {
            retries.increment();
        }
        return failedBefore;
    }

    private static int attemptNumber(Integer failedBefore) {
        return failedBefore == null ? 1 : failedBefore + 1;
    }

    private void succeeded(PaymentEvent event, Integer failedBefore, long nanos) {
        if (failedBefore != null) {
            failedAttempts.remove(event.id());
        }
        handled(event, nanos);
    }

    /*
     * For a consumer that retries by itself (and so knows each attempt's number) instead of leaving retries to
     * the binder: handled, attemptFailed and retrying record what consume records for the binder's attempts.
     */

    /** One event handled successfully; its attempt took {@code nanos}. */
    public void handled(PaymentEvent event, long nanos) {
        processing.record(nanos, TimeUnit.NANOSECONDS);
        recordEndToEnd(event);
        events.increment();
        rate.record(1);
    }

    /** Attempt number {@code attempt} (from 1) of an event failed; at {@code maxAttempts} the event is given up. */
    public void attemptFailed(int attempt) {
        errors.increment();
        if (attempt >= properties.maxAttempts()) {
            gaveUp();
        }
    }

    /** An attempt after the first starts. */
    public void retrying() {
        retries.increment();
    }

    private void gaveUp() {
        // The binder or the application dead-letters it (or drops it, when no dead letters are configured).
        if (properties.deadLetter()) {
            deadLettered.increment();
        }
        events.increment();
        rate.record(1);
    }

    private void failed(PaymentEvent event, int attempts) {
        errors.increment();
        if (attempts >= properties.maxAttempts()) {
            if (event.id() != null) {
                failedAttempts.remove(event.id());
            }
            gaveUp();
        } else if (event.id() != null && failedAttempts.size() < MAX_TRACKED_FAILURES) {
            failedAttempts.put(event.id(), attempts);
        }
    }

    private void recordEndToEnd(PaymentEvent event) {
        if (event.timestamp() != null) {
            long millis = clock.millis() - event.timestamp().toEpochMilli();
            endToEnd.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
        }
    }

    /** A producer's successful send of one event, which took {@code nanos}. */
    public void sent(long nanos) {
        processing.record(nanos, TimeUnit.NANOSECONDS);
        events.increment();
        rate.record(1);
    }

    /** A producer's failed send. */
    public void sendFailed() {
        errors.increment();
    }

    Stats.Events eventsStats() {
        return new Stats.Events((long) events.count(), round(rate.perSecond()));
    }

    Stats.Latencies latencies() {
        return new Stats.Latencies(latency(processing), latency(endToEnd));
    }

    long errors() {
        return (long) errors.count();
    }

    long retries() {
        return (long) retries.count();
    }

    long deadLettered() {
        return (long) deadLettered.count();
    }

    private static Stats.Latency latency(Timer timer) {
        HistogramSnapshot snapshot = timer.takeSnapshot();
        double p50 = 0, p95 = 0, p99 = 0;
        for (ValueAtPercentile value : snapshot.percentileValues()) {
            double millis = value.value(TimeUnit.MILLISECONDS);
            if (value.percentile() == 0.5) {
                p50 = millis;
            } else if (value.percentile() == 0.95) {
                p95 = millis;
            } else if (value.percentile() == 0.99) {
                p99 = millis;
            }
        }
        return new Stats.Latency(snapshot.count(), round(snapshot.mean(TimeUnit.MILLISECONDS)),
                round(p50), round(p95), round(p99), round(snapshot.max(TimeUnit.MILLISECONDS)));
    }

    static double round(double value) {
        return Double.isFinite(value) ? Math.round(value * 1000.0) / 1000.0 : 0;
    }
}
