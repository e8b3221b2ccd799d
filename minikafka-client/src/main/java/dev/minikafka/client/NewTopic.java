package dev.minikafka.client;

import java.time.Duration;
import java.util.Objects;

/**
 * A topic to create. Settings left null take the broker's defaults.
 *
 * <pre>{@code new NewTopic("payments", 8).retention(Duration.ofDays(1)).segmentBytes(64 << 20)}</pre>
 */
public record NewTopic(String name, int partitions, Long retentionMs, Long retentionBytes, Long segmentBytes,
                       Long segmentMs, Integer maxMessageBytes, Boolean logAppendTime) {

    public NewTopic {
        Objects.requireNonNull(name, "name");
    }

    public NewTopic(String name, int partitions) {
        this(name, partitions, null, null, null, null, null, null);
    }

    /** Keep records this long; a negative duration keeps them forever. */
    public NewTopic retention(Duration retention) {
        long ms = retention.isNegative() ? -1 : retention.toMillis();
        return new NewTopic(name, partitions, ms, retentionBytes, segmentBytes, segmentMs, maxMessageBytes, logAppendTime);
    }

    /** Keep at most this many bytes per partition; -1 for no limit. */
    public NewTopic retentionBytes(long bytes) {
        return new NewTopic(name, partitions, retentionMs, bytes, segmentBytes, segmentMs, maxMessageBytes, logAppendTime);
    }

    public NewTopic segmentBytes(long bytes) {
        return new NewTopic(name, partitions, retentionMs, retentionBytes, bytes, segmentMs, maxMessageBytes, logAppendTime);
    }

    public NewTopic segmentAge(Duration age) {
        return new NewTopic(name, partitions, retentionMs, retentionBytes, segmentBytes, age.toMillis(), maxMessageBytes, logAppendTime);
    }

    public NewTopic maxMessageBytes(int bytes) {
        return new NewTopic(name, partitions, retentionMs, retentionBytes, segmentBytes, segmentMs, bytes, logAppendTime);
    }

    public NewTopic logAppendTime(boolean enabled) {
        return new NewTopic(name, partitions, retentionMs, retentionBytes, segmentBytes, segmentMs, maxMessageBytes, enabled);
    }
}
