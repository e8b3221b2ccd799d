package dev.minikafka.broker.group.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import dev.minikafka.broker.crash.CrashPoint;

/**
 * Groups and committed offsets in the database (PostgreSQL, or the embedded H2). Every method is one
 * transaction: a write either lands whole or not at all, and when it returns it is durable.
 */
@Component
public class OffsetStore {

    private final GroupRepository groups;
    private final CommittedOffsetRepository offsets;
    @PersistenceContext
    private EntityManager entityManager;

    public OffsetStore(GroupRepository groups, CommittedOffsetRepository offsets) {
        this.groups = groups;
        this.offsets = offsets;
    }

    /** One offset to store. */
    public record Commit(String groupId, String topic, int partition, long offset, String metadata, int memberEpoch) {

        CommittedOffsetEntity.Key key() {
            return new CommittedOffsetEntity.Key(groupId, topic, partition);
        }
    }

    /** Stores the commits in one transaction, creating groups not stored yet; a later commit to the same partition wins. */
    @Transactional
    public void write(List<Commit> commits, Instant at) {
        for (String groupId : commits.stream().map(Commit::groupId).distinct().toList()) {
            if (!groups.existsById(groupId)) {
                entityManager.persist(new GroupEntity(groupId, at));
            }
        }
        Map<CommittedOffsetEntity.Key, Commit> latest = new LinkedHashMap<>();
        commits.forEach(c -> latest.put(c.key(), c));
        Map<CommittedOffsetEntity.Key, CommittedOffsetEntity> stored = offsets.findAllById(latest.keySet()).stream()
                .collect(Collectors.toMap(CommittedOffsetEntity::key, Function.identity()));
        for (Commit c : latest.values()) {
            CommittedOffsetEntity row = stored.get(c.key());
            if (row == null) {
                row = new CommittedOffsetEntity(c.groupId(), c.topic(), c.partition());
                row.update(c.offset(), c.metadata(), c.memberEpoch(), at);
                entityManager.persist(row);
            } else {
                row.update(c.offset(), c.metadata(), c.memberEpoch(), at); // flushed by dirty checking
            }
        }
        CrashPoint.OFFSET_COMMIT.reach(); // inside the transaction, before its commit
    }

    @Transactional(readOnly = true)
    public List<GroupEntity> allGroups() {
        return groups.findAll();
    }

    @Transactional(readOnly = true)
    public List<CommittedOffsetEntity> allOffsets() {
        return offsets.findAll();
    }

    /** Forgets a group and its offsets. */
    @Transactional
    public void deleteGroup(String groupId) {
        offsets.deleteByGroupId(groupId);
        groups.deleteById(groupId);
    }

    /** Forgets every group's offsets for a topic that was deleted. */
    @Transactional
    public void deleteTopic(String topic) {
        offsets.deleteByTopic(topic);
    }
}
