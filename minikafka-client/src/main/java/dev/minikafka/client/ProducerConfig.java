package dev.minikafka.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Producer settings, named and defaulted as in Kafka's producer where the idea is the same.
 *
 * <pre>{@code ProducerConfig.builder("127.0.0.1:9092").acks(Acks.DURABLE).linger(Duration.ofMillis(5)).build()}</pre>
 *
 * @param bootstrap       the broker's gRPC address, {@code host:port}
 * @param acks            when a send counts as done ({@link Acks#LEADER} by default)
 * @param lingerMs        how long a batch waits for more records before it is sent ({@code linger.ms}, 5)
 * @param batchSize       bytes at which a partition's batch is sent without waiting ({@code batch.size}, 64 KiB)
 * @param bufferMemory    bytes of unsent and unacknowledged records held before {@code send} blocks
 *                        ({@code buffer.memory}, 32 MiB)
 * @param maxBlockMs      how long {@code send} blocks for buffer room or topic metadata before it fails
 *                        ({@code max.block.ms}, 60 s)
 * @param deliveryTimeoutMs how long a record may take from {@code send} to its ack, retries included
 *                        ({@code delivery.timeout.ms}, 120 s)
 * @param retryBackoffMs  the pause before a retriable failure is retried ({@code retry.backoff.ms}, 100)
 * @param clientId        who this producer is to the broker: its quotas and metrics ({@code client.id})
 * @param security        TLS and credentials ({@link ClientSecurity#NONE}: plaintext, anonymous)
 * @param enableIdempotence stamp batches with a producer id and per-partition sequence numbers so that the
 *                        broker drops retried duplicates and refuses gaps ({@code enable.idempotence}, on by
 *                        default as in Kafka); it limits each partition to 5 batches in flight. It has no
 *                        effect with {@link Acks#NONE}, where nothing is retried
 * @param maxRequestSize  the largest record, and batch, the producer sends ({@code max.request.size}, 1 MiB as in
 *                        Kafka, which the broker's default {@code max.message.bytes} of 1 MiB + 64 accepts). A
 *                        record whose encoded size plus the batch header exceeds it fails in {@code send} at once
 *                        with {@code RECORD_TOO_LARGE}; a batch holds more than {@code batch.size} only when its one
 *                        record is that large, so no batch exceeds it. Raise it only with the topic's
 *                        {@code max.message.bytes}, and keep it under the broker's gRPC
 *                        {@code max-inbound-message-size} (16 MB), past which the broker drops the whole stream
 * @param metadataMaxAgeMs how old a topic's cached partition count may get before it is looked up again, in the
 *                        background while sends go on with the old count ({@code metadata.max.age.ms}, 5 min).
 *                        A produce answer {@code UNKNOWN_TOPIC} or {@code PARTITION_OUT_OF_RANGE} (the topic was
 *                        deleted, perhaps re-created with fewer partitions) fails its records and drops the count
 *                        at once, so the next send looks it up again
 */
public record ProducerConfig(String bootstrap, Acks acks, long lingerMs, int batchSize, long bufferMemory,
                             long maxBlockMs, long deliveryTimeoutMs, long retryBackoffMs, String clientId,
                             ClientSecurity security, boolean enableIdempotence,
                             int maxRequestSize, long metadataMaxAgeMs) {

    public ProducerConfig {
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(acks, "acks");
        require(lingerMs >= 0, "linger.ms must not be negative");
        require(batchSize > 0, "batch.size must be positive");
        require(bufferMemory >= batchSize, "buffer.memory must be at least batch.size");
        require(maxRequestSize >= batchSize, "max.request.size must be at least batch.size");
        require(metadataMaxAgeMs >= 0, "metadata.max.age.ms must not be negative");
        require(maxBlockMs >= 0, "max.block.ms must not be negative");
        require(deliveryTimeoutMs > 0, "delivery.timeout.ms must be positive");
        require(retryBackoffMs >= 0, "retry.backoff.ms must not be negative");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(security, "security");
    }

    /** True when batches carry a producer id and sequence numbers: idempotence on and acks other than NONE. */
    public boolean idempotent() {
        return enableIdempotence && acks != Acks.NONE;
    }

    public static Builder builder(String bootstrap) {
        return new Builder(bootstrap);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Fluent construction with Kafka's defaults. */
    public static final class Builder {
        private final String bootstrap;
        private Acks acks = Acks.LEADER;
        private long lingerMs = 5;
        private int batchSize = 64 * 1024;
        private long bufferMemory = 32L * 1024 * 1024;
        private long maxBlockMs = 60_000;
        private long deliveryTimeoutMs = 120_000;
        private long retryBackoffMs = 100;
        private String clientId = "minikafka-producer";
        private ClientSecurity security = ClientSecurity.NONE;
        private boolean enableIdempotence = true;
        private int maxRequestSize = 1024 * 1024;
        private long metadataMaxAgeMs = 300_000;

        private Builder(String bootstrap) {
            this.bootstrap = bootstrap;
        }

        public Builder acks(Acks acks) {
            this.acks = acks;
            return this;
        }

        public Builder linger(Duration linger) {
            this.lingerMs = linger.toMillis();
            return this;
        }

        public Builder batchSize(int bytes) {
            this.batchSize = bytes;
            return this;
        }

        public Builder bufferMemory(long bytes) {
            this.bufferMemory = bytes;
            return this;
        }

        public Builder maxBlock(Duration maxBlock) {
            this.maxBlockMs = maxBlock.toMillis();
            return this;
        }

        public Builder deliveryTimeout(Duration timeout) {
            this.deliveryTimeoutMs = timeout.toMillis();
            return this;
        }

        public Builder retryBackoff(Duration backoff) {
            this.retryBackoffMs = backoff.toMillis();
            return this;
        }

        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        /** TLS and credentials; {@link ClientSecurity#NONE} (plaintext, anonymous) by default. */
        public Builder security(ClientSecurity security) {
            this.security = security;
            return this;
        }

        /** Turns idempotence ({@code enable.idempotence}, on by default) on or off. */
        public Builder idempotence(boolean enable) {
            this.enableIdempotence = enable;
            return this;
        }

        /** The largest record and batch sent ({@code max.request.size}, 1 MiB); see {@link ProducerConfig}. */
        public Builder maxRequestSize(int bytes) {
            this.maxRequestSize = bytes;
            return this;
        }

        /** How old a cached partition count may get ({@code metadata.max.age.ms}, 5 min); see {@link ProducerConfig}. */
        public Builder metadataMaxAge(Duration maxAge) {
            this.metadataMaxAgeMs = maxAge.toMillis();
            return this;
        }

        public ProducerConfig build() {
            return new ProducerConfig(bootstrap, acks, lingerMs, batchSize, bufferMemory, maxBlockMs,
                    deliveryTimeoutMs, retryBackoffMs, clientId, security, enableIdempotence, maxRequestSize,
                    metadataMaxAgeMs);
        }
    }
}
