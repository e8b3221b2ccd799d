package dev.minikafka.broker.quota;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Default rate limits, under {@code minikafka.broker.quotas.*}; all off unless set. The admin API overrides
 * them per client and per topic at run time ({@code /api/v1/quotas}).
 *
 * @param producer       per producing client id: events and bytes per second
 * @param topic          per topic, over all its producers: events and bytes per second
 * @param consumer       per consuming client id: bytes per second (events are not counted on reads)
 * @param burstMillis    how much unused allowance a client may spend at once, in milliseconds of its rate:
 *                       small keeps the rate over any second close to the quota
 * @param maxThrottleMs  the longest a single request is held back
 */
@ConfigurationProperties("minikafka.broker.quotas")
public record QuotaProperties(Quota producer, Quota topic, Quota consumer, long burstMillis, long maxThrottleMs) {

    public QuotaProperties {
        producer = producer == null ? Quota.UNLIMITED : producer;
        topic = topic == null ? Quota.UNLIMITED : topic;
        consumer = consumer == null ? Quota.UNLIMITED : consumer;
        burstMillis = burstMillis <= 0 ? 100 : burstMillis;
        maxThrottleMs = maxThrottleMs <= 0 ? 30_000 : maxThrottleMs;
    }

    Quota defaultFor(QuotaKind kind) {
        return switch (kind) {
            case PRODUCER -> producer;
            case TOPIC -> topic;
            case CONSUMER -> consumer;
        };
    }
}
