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
 * @param checkCrcs          check each received batch's CRC-32C before returning its records ({@code check.crcs},
 *                           true), so a batch corrupted on disk or on the way is reported, not returned; costs one
 *                           pass over the bytes. A batch that fails (or cannot be decoded) ends the poll's records
 *                           from its partition; the poll that meets it with nothing to return throws
 *                           {@code CORRUPT_BATCH}, and so does every later one until a seek moves past it
 * @param requestTimeoutMs   how long a call to the broker may take ({@code request.timeout.ms}, 30 s)
 * @param groupId            the consumer group whose committed offsets an {@code assign}ed consumer starts
 *                           from and commits to ({@code group.id}, none); {@code subscribe} names its group itself
 * @param enableAutoCommit   commit the positions of returned records on an interval, before partitions are
 *                           revoked or reassigned, and on close ({@code enable.auto.commit}, true); for a group
 *                           member, and for an {@code assign}ed consumer with a {@code groupId}
 * @param autoCommitIntervalMs how often auto-commit runs ({@code auto.commit.interval.ms}, 5 s)
 * @param sessionTimeoutMs   a group member silent this long is removed ({@code session.timeout.ms}, 10 s)
 * @param groupInstanceId    static membership: rejoining under this id within the session timeout keeps the
 *                           partitions ({@code group.instance.id}, none)
 * @param assignor           the broker-side assignor, {@code range} or {@code roundrobin}
 *                           ({@code group.remote.assignor}, range)
 * @param clientId           a name shown in the broker's group descriptions ({@code client.id})
 * @param security           TLS and credentials ({@link ClientSecurity#NONE}: plaintext, anonymous)
 */
public record ConsumerConfig(String bootstrap, OffsetReset autoOffsetReset, int fetchMaxBytes,
                             int maxPartitionFetchBytes, boolean checkCrcs, long requestTimeoutMs, String groupId,
                             boolean enableAutoCommit, long autoCommitIntervalMs, int sessionTimeoutMs,
                             String groupInstanceId, String assignor, String clientId,
                             ClientSecurity security) {

    public ConsumerConfig {
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(autoOffsetReset, "autoOffsetReset");
        if (fetchMaxBytes <= 0 || maxPartitionFetchBytes <= 0) {
            throw new IllegalArgumentException("fetch.max.bytes and max.partition.fetch.bytes must be positive");
        }
        if (requestTimeoutMs <= 0) {
            throw new IllegalArgumentException("request.timeout.ms must be positive");
        }
        if (autoCommitIntervalMs <= 0 || sessionTimeoutMs <= 0) {
            throw new IllegalArgumentException("auto.commit.interval.ms and session.timeout.ms must be positive");
        }
        Objects.requireNonNull(assignor, "assignor");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(security, "security");
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
        private boolean checkCrcs = true;
        private long requestTimeoutMs = 30_000;
        private String groupId;
        private boolean enableAutoCommit = true;
        private long autoCommitIntervalMs = 5_000;
        private int sessionTimeoutMs = 10_000;
        private String groupInstanceId;
        private String assignor = "range";
        private String clientId = "minikafka-consumer";
        private ClientSecurity security = ClientSecurity.NONE;

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

        /** Whether to check each received batch's CRC ({@code check.crcs}); true by default. */
        public Builder checkCrcs(boolean check) {
            this.checkCrcs = check;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeoutMs = timeout.toMillis();
            return this;
        }

        public Builder groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        public Builder enableAutoCommit(boolean enable) {
            this.enableAutoCommit = enable;
            return this;
        }

        public Builder autoCommitInterval(Duration interval) {
            this.autoCommitIntervalMs = interval.toMillis();
            return this;
        }

        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeoutMs = Math.toIntExact(timeout.toMillis());
            return this;
        }

        public Builder groupInstanceId(String instanceId) {
            this.groupInstanceId = instanceId;
            return this;
        }

        public Builder assignor(String assignor) {
            this.assignor = assignor;
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

        public ConsumerConfig build() {
            return new ConsumerConfig(bootstrap, autoOffsetReset, fetchMaxBytes, maxPartitionFetchBytes, checkCrcs,
                    requestTimeoutMs, groupId, enableAutoCommit, autoCommitIntervalMs, sessionTimeoutMs,
                    groupInstanceId, assignor, clientId, security);
        }
    }
}
