package dev.minikafka.demo.common;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import java.time.Clock;

/** What every demo service has: its {@link EventMeters} and the {@code /stats} endpoint. */
@AutoConfiguration
@EnableConfigurationProperties(DemoProperties.class)
@Import(StatsController.class)
public class DemoServiceAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock demoClock() {
        return Clock.systemUTC();
    }

    @Bean
    EventMeters eventMeters(MeterRegistry registry, DemoProperties properties, Clock clock) {
        return new EventMeters(registry, properties, clock);
    }
}
