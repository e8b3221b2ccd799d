package dev.minikafka.demo.payments;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param binding         the StreamBridge output binding events are sent to
 * @param eventsPerMinute the rate at start-up
 * @param autostart       start emitting at start-up instead of waiting for {@code POST /control/start}
 * @param customers       how many distinct customers the generated events spread over
 * @param senders         sending threads; each sends a share of the rate for its own share of the customers,
 *                        so one customer's events still leave in order from one thread
 */
@ConfigurationProperties("payments")
public record PaymentsProperties(@DefaultValue("paymentEvents-out-0") String binding,
                                 @DefaultValue("10000") double eventsPerMinute,
                                 @DefaultValue("false") boolean autostart,
                                 @DefaultValue("1000") int customers,
                                 @DefaultValue("2") int senders) {

    public PaymentsProperties {
        if (senders < 1 || senders > customers) {
            throw new IllegalArgumentException("payments.senders must be between 1 and payments.customers: " + senders);
        }
    }
}
