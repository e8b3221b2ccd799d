package dev.minikafka.demo.analytics;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code GET /analytics/summary}; documented in docs/demo-services.md. */
public record Summary(String window, long events, long lateEvents, List<Minute> perMinute,
                      Map<String, CurrencyTotal> perCurrency, Map<String, Totals> perMethod,
                      List<CustomerTotal> topCustomers) {

    public record Minute(Instant minute, long events, Map<String, BigDecimal> revenue) {
    }

    public record CurrencyTotal(long events, BigDecimal revenue) {
    }

    public record Totals(long events, Map<String, BigDecimal> revenue) {
    }

    public record CustomerTotal(String customer, long events, Map<String, BigDecimal> revenue) {
    }
}
