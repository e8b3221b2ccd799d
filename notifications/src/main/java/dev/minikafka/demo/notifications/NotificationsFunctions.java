package dev.minikafka.demo.notifications;

import dev.minikafka.demo.common.EventMeters;
import dev.minikafka.demo.common.PaymentEvent;
import dev.minikafka.demo.common.StatsDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** The binding's function ({@code notify-in-0}, group {@code notifications}) and this service's /stats details. */
@Configuration(proxyBeanMethods = false)
class NotificationsFunctions {

    @Bean
    NotificationSender notificationSender(NotificationsProperties properties) {
        return new NotificationSender(properties);
    }

    @Bean
    Consumer<PaymentEvent> notify(NotificationSender sender, EventMeters meters) {
        return payment -> meters.consume(payment, () -> sender.deliver(payment));
    }

    @Bean
    StatsDetails notificationsStatsDetails(NotificationSender sender) {
        return () -> {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("delivered", sender.delivered());
            details.put("failureRate", sender.failureRate());
            details.put("latencyMs", sender.latencyMillis());
            return details;
        };
    }
}
