package dev.minikafka.broker.log;

/**
 * How long and how many idempotent producers a partition remembers.
 *
 * @param expirationMs a producer that has not appended for this long is forgotten (Kafka's
 *                     {@code producer.id.expiration.ms}, 1 day); its next batch is then accepted whatever
 *                     its sequence, so a retry older than this is no longer recognised as a duplicate
 * @param maxProducers producers remembered per partition; past it the least recently active one is
 *                     forgotten, so memory stays bounded (about 200 bytes each) however many producers come
 */
public record ProducerStateConfig(long expirationMs, int maxProducers) {

    public ProducerStateConfig {
        if (expirationMs < 1) {
            throw new IllegalArgumentException("producer id expiration must be positive, got " + expirationMs);
        }
        if (maxProducers < 1) {
            throw new IllegalArgumentException("max producers per partition must be positive, got " + maxProducers);
        }
    }

    public static ProducerStateConfig defaults() {
        return new ProducerStateConfig(24L * 3600 * 1000, 10_000);
    }
}
