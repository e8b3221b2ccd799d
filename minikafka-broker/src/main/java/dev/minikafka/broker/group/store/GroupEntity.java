package dev.minikafka.broker.group.store;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of {@code consumer_groups}: a group that exists whether or not it has live members. */
@Entity
@Table(name = "consumer_groups")
public class GroupEntity {

    @Id
    @Column(name = "group_id")
    private String groupId;
    @Column(name = "created_at")
    private Instant createdAt;

    protected GroupEntity() {
    }

    public GroupEntity(String groupId, Instant createdAt) {
        this.groupId = groupId;
        this.createdAt = createdAt;
    }

    public String groupId() {
        return groupId;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
