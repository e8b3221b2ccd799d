package dev.minikafka.demo.notifications;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * @param latency           how long one simulated delivery takes (it waits on a timer, not on a thread)
 * @param failureRate       the probability, 0 to 1, that a delivery attempt fails
 * @param maxInFlight       the most deliveries under way at once, retries waiting for their back-off included;
 *                          a consumer thread waits for a free slot before it starts another
 * @param backOffInitial    the wait before the second attempt of a failed delivery
 * @param backOffMultiplier how much the wait grows for each further attempt
 * @param backOffMax        the longest wait between two attempts
 */
@ConfigurationProperties("notifications")
public record NotificationsProperties(@DefaultValue("2ms") Duration latency, @DefaultValue("0.01") double failureRate,
                                      @DefaultValue("256") int maxInFlight,
                                      @DefaultValue("100ms") Duration backOffInitial,
                                      @DefaultValue("2.0") double backOffMultiplier,
                                      @DefaultValue("1s") Duration backOffMax) {

    public NotificationsProperties {
        if (failureRate < 0 || failureRate > 1) {
            throw new IllegalArgumentException("notifications.failure-rate must be between 0 and 1: " + failureRate);
        }
        if (latency.isNegative()) {
            throw new IllegalArgumentException("notifications.latency must not be negative: " + latency);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("notifications.max-in-flight must be at least 1: " + maxInFlight);
        }
        if (backOffInitial.isNegative() || backOffMax.isNegative() || backOffMultiplier < 1) {
            throw new IllegalArgumentException("notifications.back-off-* must not be negative, nor the multiplier below 1");
        }
    }

    /** The wait before attempt {@code attempt + 1}, after attempt {@code attempt} (from 1) failed. */
    Duration backOffAfter(int attempt) {
        double millis = backOffInitial.toMillis() * Math.pow(backOffMultiplier, attempt - 1);
        return Duration.ofMillis((long) Math.min(millis, backOffMax.toMillis()));
    }
}
