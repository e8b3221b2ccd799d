package dev.minikafka.broker.group.store;

import java.io.Serializable;
import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A row of {@code committed_offsets}: where a group will read a partition next. */
@Entity
@Table(name = "committed_offsets")
@IdClass(CommittedOffsetEntity.Key.class)
public class CommittedOffsetEntity {

    @Id
    @Column(name = "group_id")
    private String groupId;
    @Id
    private String topic;
    @Id
    @Column(name = "partition_id")
    private int partition;
    @Column(name = "committed_offset")
    private long offset;
    private String metadata;
    @Column(name = "member_epoch")
    private int memberEpoch;
    @Column(name = "committed_at")
    private Instant committedAt;

    protected CommittedOffsetEntity() {
    }

    public CommittedOffsetEntity(String groupId, String topic, int partition) {
        this.groupId = groupId;
        this.topic = topic;
        this.partition = partition;
    }

    void update(long offset, String metadata, int memberEpoch, Instant committedAt) {
        this.offset = offset;
        this.metadata = metadata;
        this.memberEpoch = memberEpoch;
        this.committedAt = committedAt;
    }

    public String groupId() {
        return groupId;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    public String metadata() {
        return metadata;
    }

    public int memberEpoch() {
        return memberEpoch;
    }

    public Instant committedAt() {
        return committedAt;
    }

    Key key() {
        return new Key(groupId, topic, partition);
    }

    /** The composite primary key. */
    public record Key(String groupId, String topic, int partition) implements Serializable {
    }
}
