package dev.minikafka.broker.config;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Every broker knob, under {@code minikafka.broker.*}. The broker starts with none of them set.
 *
 * @param dataDir                where partition logs (and, by default, the H2 metadata database) live
 * @param autoCreateTopics       create an unknown topic on first produce, with the default partitions
 * @param defaultPartitions      partitions of a topic created without a count
 * @param maxPartitions          upper bound on partitions per topic, to refuse typos like 100000
 * @param topicDefaults          per-topic settings used when a topic is created without them
 * @param pendingAppendBytes     bound on bytes queued for one partition's writer (a DURABLE append's until its fsync
 *                               completes); past it, producers wait
 * @param writerThreads          threads shared by all partition writers
 * @param flushInterval          fsync every partition on this interval as well (0 = only DURABLE acks and the
 *                               2-second recovery-point checkpoint fsync)
 * @param retentionCheckInterval how often retention runs; a partition whose active segment has expired as a whole
 *                               has it rolled then and deleted (rolls for segment size and age wait for an append)
 * @param maxFetchWait           cap on a fetch long-poll's max_wait_ms
 * @param producerIdExpiration   an idempotent producer idle this long is forgotten by a partition (Kafka's
 *                               {@code producer.id.expiration.ms}, 1 day); a retry older than this is no
 *                               longer recognised as a duplicate
 * @param maxProducersPerPartition idempotent producers a partition remembers; past it the idlest is forgotten
 */
@ConfigurationProperties("minikafka.broker")
public record BrokerProperties(
        Path dataDir,
        boolean autoCreateTopics,
        int defaultPartitions,
        int maxPartitions,
        TopicDefaults topicDefaults,
        DataSize pendingAppendBytes,
        int writerThreads,
        Duration flushInterval,
        Duration retentionCheckInterval,
        Duration maxFetchWait,
        Duration producerIdExpiration,
        int maxProducersPerPartition) {

    public BrokerProperties {
        dataDir = dataDir == null ? Path.of("data", "broker") : dataDir;
        defaultPartitions = defaultPartitions <= 0 ? 1 : defaultPartitions;
        maxPartitions = maxPartitions <= 0 ? 1024 : maxPartitions;
        topicDefaults = topicDefaults == null ? TopicDefaults.standard() : topicDefaults;
        pendingAppendBytes = pendingAppendBytes == null ? DataSize.ofMegabytes(8) : pendingAppendBytes;
        writerThreads = writerThreads <= 0 ? Math.max(2, Runtime.getRuntime().availableProcessors()) : writerThreads;
        flushInterval = flushInterval == null ? Duration.ZERO : flushInterval;
        retentionCheckInterval = retentionCheckInterval == null ? Duration.ofSeconds(30) : retentionCheckInterval;
        maxFetchWait = maxFetchWait == null ? Duration.ofSeconds(30) : maxFetchWait;
        producerIdExpiration = producerIdExpiration == null ? Duration.ofDays(1) : producerIdExpiration;
        maxProducersPerPartition = maxProducersPerPartition <= 0 ? 10_000 : maxProducersPerPartition;
    }

    /**
     * Defaults for topic configs, named as Kafka names them.
     *
     * @param retention       how long records are kept, in whole segments, the expired active one too (-1 ms = forever)
     * @param retentionBytes  per-partition size bound (-1 = none)
     * @param segmentBytes    roll the active segment at this size
     * @param segment         roll the active segment at this age
     * @param maxMessageBytes largest batch accepted
     */
    public record TopicDefaults(
            Duration retention,
            DataSize retentionBytes,
            DataSize segmentBytes,
            Duration segment,
            DataSize maxMessageBytes) {

        public TopicDefaults {
            retention = retention == null ? Duration.ofDays(7) : retention;
            retentionBytes = retentionBytes == null ? DataSize.ofBytes(-1) : retentionBytes;
            segmentBytes = segmentBytes == null ? DataSize.ofMegabytes(256) : segmentBytes;
            segment = segment == null ? Duration.ofDays(7) : segment;
            maxMessageBytes = maxMessageBytes == null ? DataSize.ofBytes(1024 * 1024 + 64) : maxMessageBytes;
        }

        static TopicDefaults standard() {
            return new TopicDefaults(null, null, null, null, null);
        }
    }
}
