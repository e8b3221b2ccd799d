package dev.minikafka.demo.analytics;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class AnalyticsController {

    private final RollingAggregates aggregates;

    AnalyticsController(RollingAggregates aggregates) {
        this.aggregates = aggregates;
    }

    @GetMapping("/analytics/summary")
    public Summary summary() {
        return aggregates.summary();
    }
}
