package dev.minikafka.demo.common;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What a demo service says about itself in {@code /stats}, and how its consumer binding retries.
 *
 * @param service     the service's name, e.g. {@code orders}
 * @param role        {@code producer} or {@code consumer}
 * @param destination the destination it writes or reads
 * @param group       its consumer group; {@code null} for a producer
 * @param maxAttempts the consumer binding's {@code max-attempts}: the application.yml sets both from this
 *                    one value, so the retry and dead-letter counts know when an event is given up
 * @param deadLetter  whether an event that fails its last attempt goes to a dead-letter destination
 */
@ConfigurationProperties("demo")
public record DemoProperties(@DefaultValue("demo") String service, @DefaultValue("consumer") String role,
                             @DefaultValue("payments") String destination, String group,
                             @DefaultValue("3") int maxAttempts, @DefaultValue("false") boolean deadLetter) {
}
