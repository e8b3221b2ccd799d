package dev.minikafka.demo.notifications;

import dev.minikafka.demo.common.DemoProperties;
import dev.minikafka.demo.common.EventMeters;
import dev.minikafka.demo.common.PaymentEvent;
import dev.minikafka.demo.common.StatsDetails;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;

/** The binding's function ({@code notify-in-0}, group {@code notifications}) and this service's /stats details. */
@Configuration(proxyBeanMethods = false)
class NotificationsFunctions {

    /** The simulated deliveries' answers and the retries' back-offs: one thread, which only runs callbacks. */
    @Bean(destroyMethod = "shutdown")
    ScheduledExecutorService notificationTimers() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "notification-timers");
            thread.setDaemon(true);
            return thread;
        });
        timers.setRemoveOnCancelPolicy(true);
        return timers;
    }

    @Bean
    NotificationSender notificationSender(NotificationsProperties properties, ScheduledExecutorService notificationTimers) {
        return new NotificationSender(properties, notificationTimers);
    }

    @Bean
    DeadLetters deadLetters(StreamBridge bridge) {
        return new DeadLetters(bridge);
    }

    @Bean
    Notifier notifier(NotificationSender sender, DeadLetters deadLetters, EventMeters meters,
                      ScheduledExecutorService notificationTimers, NotificationsProperties properties,
                      DemoProperties demo) {
        return new Notifier(sender, deadLetters, meters, notificationTimers, properties, demo.maxAttempts());
    }

    /** Payments arrive in batches (the binding's {@code batch-mode}); their deliveries overlap. */
    @Bean
    Consumer<List<PaymentEvent>> notify(Notifier notifier) {
        return notifier::deliverAll;
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
