package dev.minikafka.demo.payments;

import dev.minikafka.demo.common.StatsDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.LinkedHashMap;
import java.util.Map;

@Configuration(proxyBeanMethods = false)
class PaymentsConfiguration {

    @Bean
    StatsDetails paymentsStatsDetails(ControlController control) {
        return () -> {
            ControlController.State state = control.state();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("running", state.running());
            details.put("eventsPerMinute", state.eventsPerMinute());
            details.put("eventsPerSecond", state.eventsPerSecond());
            return details;
        };
    }
}
