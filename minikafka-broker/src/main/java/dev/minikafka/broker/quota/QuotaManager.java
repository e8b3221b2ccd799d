package dev.minikafka.broker.quota;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import dev.minikafka.protocol.RecordBatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The broker's rate limits: a {@link RateLimiter} per producing client, per topic and per consuming client,
 * from the configured defaults or an override set through the admin API (stored in the database, applied
 * at once, no restart). Producers and consumers are slowed, never failed: the produce and subscribe
 * streams hold back their next read for the throttle time this returns; HTTP produce, which cannot be held
 * back, is refused with 429 while its client or topic is in debt.
 *
 * <p>With no quota configured anywhere (the default) every check returns at once without counting.
 */
@Service
public class QuotaManager {

    private static final Logger log = LoggerFactory.getLogger(QuotaManager.class);

    private record Key(QuotaKind kind, String name) {
    }

    private final QuotaProperties properties;
    private final QuotaRepository repository;
    private final MeterRegistry registry;
    private final Map<Key, Quota> overrides = new ConcurrentHashMap<>();
    private final Map<Key, RateLimiter> limiters = new ConcurrentHashMap<>();
    private volatile boolean anyProduceLimit;
    private volatile boolean anyConsumeLimit;

    public QuotaManager(QuotaProperties properties, QuotaRepository repository, MeterRegistry registry) {
        this.properties = properties;
        this.repository = repository;
        this.registry = registry;
        for (QuotaEntity row : repository.findAll()) {
            overrides.put(new Key(row.kind(), row.name()), row.quota());
        }
        refreshFlags();
        if (!overrides.isEmpty()) {
            log.info("Loaded {} quota overrides", overrides.size());
        }
    }

    /**
     * Charges a produce request (whole batches, from position 0 to the limit) to its client and topic;
     * returns the milliseconds the producer should wait before its next request (0 when within quota), at
     * most {@code maxThrottleMs}. Records are counted only when some produce quota exists.
     */
    public long produced(String clientId, String topic, ByteBuffer batches) {
        if (!anyProduceLimit) {
            return 0;
        }
        long records = RecordBatch.countRecords(batches, 0, batches.limit());
        long bytes = batches.limit();
        long wait = Math.max(limiter(QuotaKind.PRODUCER, clientId).spend(records, bytes),
                limiter(QuotaKind.TOPIC, topic).spend(records, bytes));
        return throttled(QuotaKind.PRODUCER, clientId, topic, wait);
    }

    /**
     * For a request that cannot be held back (HTTP): the milliseconds to wait before sending it when the
     * client or topic is in debt, else 0 and the request is charged.
     */
    public long tryProduce(String clientId, String topic, long records, long bytes) {
        if (!anyProduceLimit) {
            return 0;
        }
        RateLimiter client = limiter(QuotaKind.PRODUCER, clientId);
        RateLimiter perTopic = limiter(QuotaKind.TOPIC, topic);
        long debt = Math.max(client.debtNanos(), perTopic.debtNanos());
        if (debt > 0) {
            rejected(clientId, topic).increment();
            return Math.max(1, TimeUnit.NANOSECONDS.toMillis(debt));
        }
        client.spend(records, bytes);
        perTopic.spend(records, bytes);
        return 0;
    }

    /** Charges bytes read by a consuming client; returns the milliseconds its stream should pause. */
    public long consumed(String clientId, String topic, long bytes) {
        if (!anyConsumeLimit) {
            return 0;
        }
        return throttled(QuotaKind.CONSUMER, clientId, topic, limiter(QuotaKind.CONSUMER, clientId).spend(0, bytes));
    }

    /** The quota in force for a client or topic: its override, else the default. */
    public Quota effective(QuotaKind kind, String name) {
        return overrides.getOrDefault(new Key(kind, name), properties.defaultFor(kind));
    }

    /** Every override set through the admin API. */
    public List<QuotaOverride> overrides() {
        List<QuotaOverride> list = new ArrayList<>();
        overrides.forEach((key, quota) -> list.add(new QuotaOverride(key.kind(), key.name(), quota)));
        list.sort((a, b) -> a.kind() != b.kind() ? a.kind().compareTo(b.kind()) : a.name().compareTo(b.name()));
        return list;
    }

    public Quota defaults(QuotaKind kind) {
        return properties.defaultFor(kind);
    }

    // set and remove make one repository call each, which is its own transaction. They are deliberately not
    // @Transactional: that would put every call of this class, produced() and consumed() on each request
    // included, through a Spring proxy.

    /** Sets (stores, then applies) an override; applies to the next request. */
    public void set(QuotaKind kind, String name, Quota quota) {
        if (kind == QuotaKind.CONSUMER && quota.eventsPerSecond() != 0) {
            throw new IllegalArgumentException("consumer quotas limit bytes per second only; leave eventsPerSecond at 0");
        }
        repository.save(new QuotaEntity(kind, name, quota));
        Key key = new Key(kind, name);
        overrides.put(key, quota);
        limiters.remove(key);
        refreshFlags();
        log.info("Quota for {} '{}' set to {} events/s, {} bytes/s (0 = unlimited)", kind.key(), name,
                quota.eventsPerSecond(), quota.bytesPerSecond());
    }

    /** Removes (from the store, then in force) an override; the default applies again. False when there was none. */
    public boolean remove(QuotaKind kind, String name) {
        Key key = new Key(kind, name);
        if (!overrides.containsKey(key)) {
            return false;
        }
        repository.deleteById(new QuotaEntity.Key(kind.key(), name));
        overrides.remove(key);
        limiters.remove(key);
        refreshFlags();
        return true;
    }

    private RateLimiter limiter(QuotaKind kind, String name) {
        Key key = new Key(kind, name);
        RateLimiter limiter = limiters.get(key);
        if (limiter == null) {
            limiter = limiters.computeIfAbsent(key, k -> new RateLimiter(effective(kind, name), properties.burstMillis()));
        }
        return limiter;
    }

    private long throttled(QuotaKind kind, String clientId, String topic, long waitNanos) {
        if (waitNanos <= 0) {
            return 0;
        }
        long ms = Math.min(properties.maxThrottleMs(), Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
        Timer.builder("minikafka.quota.throttle.time")
                .description("Time requests were held back by quotas")
                .tags("kind", kind.key(), "client", clientId, "topic", topic)
                .register(registry).record(ms, TimeUnit.MILLISECONDS);
        return ms;
    }

    private Counter rejected(String clientId, String topic) {
        return Counter.builder("minikafka.quota.rejected")
                .description("HTTP produce requests refused with 429 because their client or topic was over quota")
                .tags("client", clientId, "topic", topic)
                .register(registry);
    }

    private void refreshFlags() {
        boolean produce = !properties.producer().isUnlimited() || !properties.topic().isUnlimited();
        boolean consume = !properties.consumer().isUnlimited();
        for (Map.Entry<Key, Quota> e : overrides.entrySet()) {
            if (!e.getValue().isUnlimited()) {
                produce |= e.getKey().kind() != QuotaKind.CONSUMER;
                consume |= e.getKey().kind() == QuotaKind.CONSUMER;
            }
        }
        anyProduceLimit = produce;
        anyConsumeLimit = consume;
    }

    /** An override as the admin API lists it. */
    public record QuotaOverride(QuotaKind kind, String name, Quota quota) {
    }
}
