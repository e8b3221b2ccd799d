package dev.minikafka.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Consumer settings, named after Kafka's consumer where the idea is the same. The consumer reads through
 * one flow-controlled {@code Subscribe} stream per partition, so the broker pushes data as it is appended:
 * there is no fetch long-poll to tune ({@code fetch.min.bytes}, {@code fetch.max.wait.ms}).
 *
 * @param bootstrap          the broker's gRPC address, {@code host:port}
 * @param autoOffsetReset    where to go when the position is outside the log ({@code auto.offset.reset}, EARLIEST)
 * @param fetchMaxBytes      bytes one fetch may return over all partitions ({@code fetch.max.bytes}, 8 MiB)
 * @param maxPartitionFetchBytes bytes one fetch may return per partition ({@code max.partition.fetch.bytes}, 1 MiB)
 * @param requestTimeoutMs   how long a call to the broker may take ({@code request.timeout.ms}, 30 s)
 */
public record ConsumerConfig(String bootstrap, OffsetReset autoOffsetReset, int fetchMaxBytes,
                             int maxPartitionFetchBytes, long requestTimeoutMs) {

    public ConsumerConfig {
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(autoOffsetReset, "autoOffsetReset");
        if (fetchMaxBytes <= 0 || maxPartitionFetchBytes <= 0) {
            throw new IllegalArgumentException("fetch.max.bytes and max.partition.fetch.bytes must be positive");
        }
        if (requestTimeoutMs <= 0) {
            throw new IllegalArgumentException("request.timeout.ms must be positive");
        }
    }

    public static Builder builder(String bootstrap) {
        return new Builder(bootstrap);
    }

    /** Fluent construction with Kafka's defaults. */
    public static final class Builder {
        private final String bootstrap;
        private OffsetReset autoOffsetReset = OffsetReset.EARLIEST;
        private int fetchMaxBytes = 8 * 1024 * 1024;
        private int maxPartitionFetchBytes = 1024 * 1024;
        private long requestTimeoutMs = 30_000;

        private Builder(String bootstrap) {
            this.bootstrap = bootstrap;
        }

        public Builder autoOffsetReset(OffsetReset reset) {
            this.autoOffsetReset = reset;
            return this;
        }

        public Builder fetchMaxBytes(int bytes) {
            this.fetchMaxBytes = bytes;
            return this;
        }

        public Builder maxPartitionFetchBytes(int bytes) {
            this.maxPartitionFetchBytes = bytes;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeoutMs = timeout.toMillis();
            return this;
        }

        public ConsumerConfig build() {
            return new ConsumerConfig(bootstrap, autoOffsetReset, fetchMaxBytes, maxPartitionFetchBytes,
                    requestTimeoutMs);
        }
    }
}
