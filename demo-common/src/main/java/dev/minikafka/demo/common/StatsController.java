package dev.minikafka.demo.common;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** {@code GET /stats}: one small JSON object with the service's numbers, for the dashboard's aggregator. */
@RestController
public class StatsController {

    private final DemoProperties properties;
    private final EventMeters meters;
    private final ObjectProvider<StatsDetails> details;
    private final Clock clock;
    private final Instant started;
    private final String instance;

    public StatsController(DemoProperties properties, EventMeters meters, ObjectProvider<StatsDetails> details,
                           Clock clock) {
        this.properties = properties;
        this.meters = meters;
        this.details = details;
        this.clock = clock;
        this.started = clock.instant();
        this.instance = properties.service() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
    }

    @GetMapping("/stats")
    public Stats stats() {
        Instant now = clock.instant();
        StatsDetails serviceDetails = details.getIfAvailable();
        Map<String, Object> detailMap = serviceDetails == null ? Map.of() : serviceDetails.details();
        return new Stats(properties.service(), instance, properties.role(), properties.destination(),
                properties.group(), now, EventMeters.round((now.toEpochMilli() - started.toEpochMilli()) / 1000.0),
                meters.eventsStats(), meters.latencies(), meters.errors(), meters.retries(),
                meters.deadLettered(), detailMap);
    }
}
