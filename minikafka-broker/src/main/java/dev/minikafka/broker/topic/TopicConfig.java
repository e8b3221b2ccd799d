package dev.minikafka.broker.topic;

import dev.minikafka.broker.log.LogConfig;

/**
 * The effective configuration of one topic, every field set.
 *
 * @param retentionMs     -1 keeps data forever
 * @param retentionBytes  per partition; -1 means no size bound
 */
public record TopicConfig(
        long retentionMs,
        long retentionBytes,
        long segmentBytes,
        long segmentMs,
        int maxMessageBytes,
        boolean logAppendTime) {

    /** The storage layer's view of this config. */
    public LogConfig toLogConfig() {
        LogConfig defaults = LogConfig.defaults();
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, maxMessageBytes, logAppendTime,
                defaults.indexIntervalBytes());
    }
}
