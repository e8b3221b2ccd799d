package dev.minikafka.demo.analytics;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * @param window       how far back, in event time, the aggregates reach (whole minutes)
 * @param topCustomers how many customers the summary lists
 */
@ConfigurationProperties("analytics")
public record AnalyticsProperties(@DefaultValue("60m") Duration window, @DefaultValue("10") int topCustomers) {

    public AnalyticsProperties {
        if (window.toMinutes() < 1) {
            throw new IllegalArgumentException("analytics.window must be at least one minute: " + window);
        }
    }
}
