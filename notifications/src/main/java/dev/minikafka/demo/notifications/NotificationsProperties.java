package dev.minikafka.demo.notifications;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * @param latency     how long one simulated delivery takes
 * @param failureRate the probability, 0 to 1, that a delivery attempt fails
 */
@ConfigurationProperties("notifications")
public record NotificationsProperties(@DefaultValue("2ms") Duration latency, @DefaultValue("0.01") double failureRate) {

    public NotificationsProperties {
        if (failureRate < 0 || failureRate > 1) {
            throw new IllegalArgumentException("notifications.failure-rate must be between 0 and 1: " + failureRate);
        }
        if (latency.isNegative()) {
            throw new IllegalArgumentException("notifications.latency must not be negative: " + latency);
        }
    }
}
