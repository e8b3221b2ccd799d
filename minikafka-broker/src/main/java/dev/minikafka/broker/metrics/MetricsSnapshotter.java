package dev.minikafka.broker.metrics;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Takes a {@link MetricsSnapshot} every {@code minikafka.broker.metrics.interval} on one thread, keeps
 * the latest, refreshes the group meters from it and fans it out to the open streams. The work is done
 * once per interval however many clients watch.
 *
 * <p>Lifecycle: starts after the web server (so the first client finds a snapshot ready) and stops
 * before its graceful shutdown, ending every stream so that shutdown does not wait for them.
 */
@Component
final class MetricsSnapshotter implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MetricsSnapshotter.class);

    private final BrokerMetrics metrics;
    private final GroupsSource groups;
    private final GroupMeters groupMeters;
    private final SnapshotStreams streams;
    private final long intervalMs;
    private final SnapshotCalculator calculator = new SnapshotCalculator();
    private ScheduledExecutorService scheduler;
    private volatile MetricsSnapshot latest;

    MetricsSnapshotter(BrokerMetrics metrics, GroupsSource groups, MeterRegistry registry, SnapshotStreams streams,
            MetricsProperties properties) {
        this.metrics = metrics;
        this.groups = groups;
        this.groupMeters = new GroupMeters(registry, groups);
        this.streams = streams;
        this.intervalMs = properties.interval().toMillis();
    }

    /** The latest snapshot; null only before the broker has started. */
    MetricsSnapshot latest() {
        return latest;
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "minikafka-metrics");
            thread.setDaemon(true);
            return thread;
        });
        tick();
        scheduler.scheduleAtFixedRate(this::tick, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        scheduler.shutdownNow();
        scheduler = null;
        streams.closeAll();
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    /** A task that throws is never run again by the executor, so nothing may escape. */
    private void tick() {
        try {
            MetricsSnapshot snapshot = calculator.next(System.currentTimeMillis(), System.nanoTime(),
                    metrics.readPartitions(), groups.get(), metrics.intervalLatency().takeInterval(),
                    metrics.activeProducers(), metrics.activeConsumers());
            latest = snapshot;
            groupMeters.update(snapshot);
            streams.publish(snapshot);
        } catch (RuntimeException e) {
            log.warn("Could not take a metrics snapshot", e);
        }
    }
}
