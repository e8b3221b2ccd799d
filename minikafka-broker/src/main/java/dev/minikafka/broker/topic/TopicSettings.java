package dev.minikafka.broker.topic;

import dev.minikafka.broker.config.BrokerProperties.TopicDefaults;

/**
 * What a create-topic request asked for; a null field takes the broker's default.
 */
public record TopicSettings(
        Long retentionMs,
        Long retentionBytes,
        Long segmentBytes,
        Long segmentMs,
        Integer maxMessageBytes,
        Boolean logAppendTime) {

    /** Smallest segment accepted: below this a segment would roll on nearly every batch. */
    public static final long MIN_SEGMENT_BYTES = 1024;

    public static TopicSettings none() {
        return new TopicSettings(null, null, null, null, null, null);
    }

    /**
     * Fills unset fields from the defaults and checks the result.
     *
     * @throws TopicException of kind INVALID naming the bad setting
     */
    public TopicConfig resolve(TopicDefaults defaults) {
        TopicConfig config = new TopicConfig(
                retentionMs != null ? retentionMs : defaults.retention().toMillis(),
                retentionBytes != null ? retentionBytes : defaults.retentionBytes().toBytes(),
                segmentBytes != null ? segmentBytes : defaults.segmentBytes().toBytes(),
                segmentMs != null ? segmentMs : defaults.segment().toMillis(),
                maxMessageBytes != null ? maxMessageBytes : (int) defaults.maxMessageBytes().toBytes(),
                logAppendTime != null && logAppendTime);
        require(config.retentionMs() >= -1, "retention.ms must be -1 (forever) or at least 0");
        require(config.retentionBytes() >= -1, "retention.bytes must be -1 (no limit) or at least 0");
        require(config.segmentBytes() >= MIN_SEGMENT_BYTES && config.segmentBytes() <= Integer.MAX_VALUE,
                "segment.bytes must be between " + MIN_SEGMENT_BYTES + " and " + Integer.MAX_VALUE);
        require(config.segmentMs() >= 1, "segment.ms must be at least 1");
        require(config.maxMessageBytes() >= 128 && config.maxMessageBytes() <= 64 * 1024 * 1024,
                "max.message.bytes must be between 128 and 67108864");
        return config;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new TopicException(TopicException.Kind.INVALID, message);
        }
    }
}
