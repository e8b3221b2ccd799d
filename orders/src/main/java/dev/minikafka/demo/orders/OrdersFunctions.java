package dev.minikafka.demo.orders;

import dev.minikafka.demo.common.EventMeters;
import dev.minikafka.demo.common.PaymentEvent;
import dev.minikafka.demo.common.StatsDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The binding's function ({@code createOrder-in-0}, group {@code orders}) and this service's /stats details. */
@Configuration(proxyBeanMethods = false)
class OrdersFunctions {

    /** Payments arrive in batches (the binding's {@code batch-mode}): one database round trip per batch. */
    @Bean
    Consumer<List<PaymentEvent>> createOrder(OrderService orders, EventMeters meters) {
        return payments -> meters.consumeAll(payments, () -> orders.createOrders(payments));
    }

    @Bean
    StatsDetails ordersStatsDetails(OrderService orders) {
        return () -> {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("ordersCreated", orders.created());
            details.put("duplicates", orders.duplicates());
            return details;
        };
    }
}
