package dev.minikafka.demo.analytics;

import dev.minikafka.demo.common.PaymentEvent;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RollingAggregatesTest {

    static final Instant T0 = Instant.parse("2026-11-25T16:04:00Z");
    final AtomicLong now = new AtomicLong(T0.plusSeconds(30).toEpochMilli());
    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };
    final RollingAggregates aggregates = new RollingAggregates(Duration.ofMinutes(3), 2, clock);

    static PaymentEvent event(String customer, String amount, String currency, String method, Instant at) {
        return new PaymentEvent(customer + at, "o", customer, new BigDecimal(amount), currency, method, at);
    }

    private void add(PaymentEvent event) {
        aggregates.addAll(List.of(event));
    }

    @Test
    void shouldAggregateABatchAsTheSameEventsOneByOne() {
        List<PaymentEvent> events = List.of(event("alice", "10.00", "EUR", "CARD", T0.minusSeconds(50)),
                event("bob", "7.25", "USD", "CARD", T0.plusSeconds(2)),
                event("late", "1.00", "USD", "CARD", T0.minusSeconds(600)),
                event("alice", "5.50", "EUR", "PAYPAL", T0.plusSeconds(1)));
        RollingAggregates oneByOne = new RollingAggregates(Duration.ofMinutes(3), 2, clock);
        events.forEach(e -> oneByOne.addAll(List.of(e)));

        aggregates.addAll(events);

        assertThat(aggregates.summary()).isEqualTo(oneByOne.summary());
        assertThat(aggregates.summary().events()).isEqualTo(3);
        assertThat(aggregates.lateEvents()).isEqualTo(1);
    }

    @Test
    void shouldAggregatePerMinuteCurrencyMethodAndCustomer() {
        add(event("alice", "10.00", "EUR", "CARD", T0.minusSeconds(50)));
        add(event("alice", "5.50", "EUR", "PAYPAL", T0.plusSeconds(1)));
        add(event("bob", "7.25", "USD", "CARD", T0.plusSeconds(2)));
        add(event("carol", "1.00", "USD", "CARD", T0.plusSeconds(3)));
        add(event("bob", "2.75", "USD", "CARD", T0.plusSeconds(4)));

        Summary summary = aggregates.summary();

        assertThat(summary.window()).isEqualTo("PT3M");
        assertThat(summary.events()).isEqualTo(5);
        assertThat(summary.perMinute()).hasSize(2);
        assertThat(summary.perMinute().get(0).minute()).isEqualTo(T0.minusSeconds(60));
        assertThat(summary.perMinute().get(0).events()).isEqualTo(1);
        assertThat(summary.perMinute().get(1).events()).isEqualTo(4);
        assertThat(summary.perMinute().get(1).revenue()).containsEntry("EUR", new BigDecimal("5.50"))
                .containsEntry("USD", new BigDecimal("11.00"));
        assertThat(summary.perCurrency().get("EUR")).isEqualTo(new Summary.CurrencyTotal(2, new BigDecimal("15.50")));
        assertThat(summary.perCurrency().get("USD")).isEqualTo(new Summary.CurrencyTotal(3, new BigDecimal("11.00")));
        assertThat(summary.perMethod().get("CARD").events()).isEqualTo(4);
        assertThat(summary.perMethod().get("CARD").revenue()).containsEntry("EUR", new BigDecimal("10.00"))
                .containsEntry("USD", new BigDecimal("11.00"));
        assertThat(summary.perMethod().get("PAYPAL").events()).isEqualTo(1);
        assertThat(summary.topCustomers()).extracting(Summary.CustomerTotal::customer).containsExactly("alice", "bob");
        assertThat(summary.topCustomers().get(1).revenue()).containsEntry("USD", new BigDecimal("10.00"));
    }

    @Test
    void shouldForgetMinutesThatLeaveTheWindowAndCountLateEvents() {
        add(event("alice", "10.00", "EUR", "CARD", T0.minusSeconds(110)));
        add(event("bob", "1.00", "EUR", "CARD", T0.plusSeconds(10)));

        now.set(T0.plusSeconds(60 + 30).toEpochMilli()); // the window is now 16:03..16:05
        assertThat(aggregates.summary().events()).isEqualTo(1);
        assertThat(aggregates.summary().perMinute()).hasSize(1);

        add(event("carol", "1.00", "EUR", "CARD", T0.minusSeconds(90)));
        assertThat(aggregates.summary().lateEvents()).isEqualTo(1);
        assertThat(aggregates.summary().events()).isEqualTo(1);
    }
}
