package dev.minikafka.demo.analytics;

import dev.minikafka.demo.common.PaymentEvent;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Aggregates of payment events over a sliding window of event time, kept in one bucket per minute: events
 * and revenue per minute, per currency, per method and per customer. A bucket leaves when its minute leaves
 * the window; an event older than the window is only counted as late. Thread-safe (one lock: additions are
 * a few map updates, and a summary of at most {@code window} buckets is cheap).
 */
final class RollingAggregates {

    private static final long MINUTE_MILLIS = 60_000;

    /** One minute of events. */
    private static final class Bucket {
        final Tally total = new Tally();
        final Map<String, Tally> byCurrency = new HashMap<>();
        final Map<String, Tally> byMethod = new HashMap<>();
        final Map<String, Tally> byCustomer = new HashMap<>();
    }

    private final long windowMinutes;
    private final int topCustomers;
    private final Clock clock;
    private final NavigableMap<Long, Bucket> buckets = new TreeMap<>();
    private long lateEvents;

    RollingAggregates(Duration window, int topCustomers, Clock clock) {
        this.windowMinutes = window.toMinutes();
        this.topCustomers = topCustomers;
        this.clock = clock;
    }

    /** Adds a batch of events (a binding's batch, in order) under one lock, evicting once. */
    synchronized void addAll(List<PaymentEvent> events) {
        long oldest = evict();
        for (PaymentEvent event : events) {
            add(event, oldest);
        }
    }

    private void add(PaymentEvent event, long oldest) {
        long minute = Math.floorDiv(event.timestamp().toEpochMilli(), MINUTE_MILLIS);
        if (minute < oldest) {
            lateEvents++;
            return;
        }
        Bucket bucket = buckets.computeIfAbsent(minute, m -> new Bucket());
        String currency = event.currency();
        BigDecimal amount = event.amount();
        bucket.total.add(currency, amount);
        bucket.byCurrency.computeIfAbsent(currency, c -> new Tally()).add(currency, amount);
        bucket.byMethod.computeIfAbsent(event.method(), m -> new Tally()).add(currency, amount);
        bucket.byCustomer.computeIfAbsent(event.customer(), c -> new Tally()).add(currency, amount);
    }

    /** Drops the buckets that left the window; returns the oldest minute still in it. */
    private long evict() {
        long oldest = Math.floorDiv(clock.millis(), MINUTE_MILLIS) - windowMinutes + 1;
        buckets.headMap(oldest, false).clear();
        return oldest;
    }

    synchronized Summary summary() {
        evict();
        List<Summary.Minute> perMinute = new ArrayList<>();
        Tally all = new Tally();
        Map<String, Tally> byCurrency = new TreeMap<>();
        Map<String, Tally> byMethod = new TreeMap<>();
        Map<String, Tally> byCustomer = new HashMap<>();
        buckets.forEach((minute, bucket) -> {
            perMinute.add(new Summary.Minute(Instant.ofEpochMilli(minute * MINUTE_MILLIS), bucket.total.events,
                    new TreeMap<>(bucket.total.revenue)));
            all.add(bucket.total);
            bucket.byCurrency.forEach((key, tally) -> byCurrency.computeIfAbsent(key, k -> new Tally()).add(tally));
            bucket.byMethod.forEach((key, tally) -> byMethod.computeIfAbsent(key, k -> new Tally()).add(tally));
            bucket.byCustomer.forEach((key, tally) -> byCustomer.computeIfAbsent(key, k -> new Tally()).add(tally));
        });
        Map<String, Summary.CurrencyTotal> currencies = new LinkedHashMap<>();
        byCurrency.forEach((currency, tally) -> currencies.put(currency,
                new Summary.CurrencyTotal(tally.events, tally.revenue.getOrDefault(currency, BigDecimal.ZERO))));
        Map<String, Summary.Totals> methods = new LinkedHashMap<>();
        byMethod.forEach((method, tally) -> methods.put(method, new Summary.Totals(tally.events, tally.revenue)));
        List<Summary.CustomerTotal> top = byCustomer.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, Tally> e) -> e.getValue().events).reversed()
                        .thenComparing(Map.Entry::getKey))
                .limit(topCustomers)
                .map(e -> new Summary.CustomerTotal(e.getKey(), e.getValue().events, e.getValue().revenue))
                .toList();
        return new Summary(Duration.ofMinutes(windowMinutes).toString(), all.events, lateEvents, perMinute,
                currencies, methods, top);
    }

    synchronized int customers() {
        return (int) buckets.values().stream().flatMap(b -> b.byCustomer.keySet().stream()).distinct().count();
    }

    synchronized long lateEvents() {
        return lateEvents;
    }
}
