package dev.minikafka.demo.analytics;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/** A count of events and their revenue per currency (amounts in different currencies are never added). */
final class Tally {

    long events;
    final Map<String, BigDecimal> revenue = new TreeMap<>();

    void add(String currency, BigDecimal amount) {
        events++;
        revenue.merge(currency, amount, BigDecimal::add);
    }

    void add(Tally other) {
        events += other.events;
        other.revenue.forEach((currency, amount) -> revenue.merge(currency, amount, BigDecimal::add));
    }
}
