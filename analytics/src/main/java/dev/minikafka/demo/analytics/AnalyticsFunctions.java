package dev.minikafka.demo.analytics;

import dev.minikafka.demo.common.EventMeters;
import dev.minikafka.demo.common.PaymentEvent;
import dev.minikafka.demo.common.StatsDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The binding's function ({@code aggregate-in-0}, group {@code analytics}) and this service's /stats details. */
@Configuration(proxyBeanMethods = false)
class AnalyticsFunctions {

    @Bean
    RollingAggregates rollingAggregates(AnalyticsProperties properties, Clock clock) {
        return new RollingAggregates(properties.window(), properties.topCustomers(), clock);
    }

    /** Batch mode: one lock and one eviction per batch of payments, not per payment. */
    @Bean
    Consumer<List<PaymentEvent>> aggregate(RollingAggregates aggregates, EventMeters meters) {
        return payments -> meters.consumeAll(payments, () -> aggregates.addAll(payments));
    }

    @Bean
    StatsDetails analyticsStatsDetails(RollingAggregates aggregates) {
        return () -> {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("lateEvents", aggregates.lateEvents());
            details.put("customers", aggregates.customers());
            return details;
        };
    }
}
