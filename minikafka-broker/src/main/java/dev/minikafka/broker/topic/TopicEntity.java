package dev.minikafka.broker.topic;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of {@code topics}: a topic's name, partition count and configuration. */
@Entity
@Table(name = "topics")
public class TopicEntity {

    @Id
    private String name;
    private int partitions;
    @Column(name = "retention_ms")
    private long retentionMs;
    @Column(name = "retention_bytes")
    private long retentionBytes;
    @Column(name = "segment_bytes")
    private long segmentBytes;
    @Column(name = "segment_ms")
    private long segmentMs;
    @Column(name = "max_message_bytes")
    private int maxMessageBytes;
    @Column(name = "log_append_time")
    private boolean logAppendTime;
    @Column(name = "created_at")
    private Instant createdAt;

    protected TopicEntity() {
    }

    public TopicEntity(String name, int partitions, TopicConfig config, Instant createdAt) {
        this.name = name;
        this.partitions = partitions;
        this.retentionMs = config.retentionMs();
        this.retentionBytes = config.retentionBytes();
        this.segmentBytes = config.segmentBytes();
        this.segmentMs = config.segmentMs();
        this.maxMessageBytes = config.maxMessageBytes();
        this.logAppendTime = config.logAppendTime();
        this.createdAt = createdAt;
    }

    public String name() {
        return name;
    }

    public int partitions() {
        return partitions;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public TopicConfig config() {
        return new TopicConfig(retentionMs, retentionBytes, segmentBytes, segmentMs, maxMessageBytes, logAppendTime);
    }
}
