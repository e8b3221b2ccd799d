package dev.minikafka.broker.log;

/**
 * How one partition log is kept, as Kafka names the settings.
 *
 * @param segmentBytes       roll the active segment before it would grow past this size
 * @param segmentMs          roll the active segment on the next append once it is this old
 * @param retentionMs        delete segments whose newest record is older than this (-1 = forever); an expired
 *                           active segment is rolled first
 * @param retentionBytes     delete the oldest closed segments while the partition is larger (-1 = no bound); never
 *                           the active segment
 * @param maxMessageBytes    the largest batch a producer may send
 * @param logAppendTime      stamp batches with the broker's clock instead of keeping the producer's
 * @param indexIntervalBytes bytes of log between two entries of the sparse offset and time indexes
 */
public record LogConfig(
        long segmentBytes,
        long segmentMs,
        long retentionMs,
        long retentionBytes,
        int maxMessageBytes,
        boolean logAppendTime,
        int indexIntervalBytes) {

    /** A segment's positions are 32-bit in the index, so a segment stays below 2 GiB. */
    public static final long MAX_SEGMENT_BYTES = Integer.MAX_VALUE;

    public LogConfig {
        if (segmentBytes < 1024 || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segment.bytes must be between 1024 and " + MAX_SEGMENT_BYTES
                    + ", got " + segmentBytes);
        }
        if (segmentMs < 1) {
            throw new IllegalArgumentException("segment.ms must be positive, got " + segmentMs);
        }
        if (indexIntervalBytes < 1) {
            throw new IllegalArgumentException("index.interval.bytes must be positive, got " + indexIntervalBytes);
        }
    }

    public static LogConfig defaults() {
        return new LogConfig(256L * 1024 * 1024, 7L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000, -1,
                1024 * 1024 + 64, false, 4096);
    }

    public LogConfig withSegmentBytes(long bytes) {
        return new LogConfig(bytes, segmentMs, retentionMs, retentionBytes, maxMessageBytes, logAppendTime,
                indexIntervalBytes);
    }

    public LogConfig withRetention(long ms, long bytes) {
        return new LogConfig(segmentBytes, segmentMs, ms, bytes, maxMessageBytes, logAppendTime, indexIntervalBytes);
    }
}
