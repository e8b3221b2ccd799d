package dev.minikafka.client;

/**
 * How much the broker's quotas have slowed a producer ({@link MiniKafkaProducer#throttle()}): the broker
 * reads a throttled producer's next request later and says so in its acks, as Kafka's
 * {@code produce-throttle-time} metrics do.
 *
 * @param throttledResponses acks that carried a throttle time
 * @param throttleTimeMs     their throttle times added up
 * @param maxThrottleTimeMs  the longest single one
 */
public record ProducerThrottle(long throttledResponses, long throttleTimeMs, long maxThrottleTimeMs) {
}
