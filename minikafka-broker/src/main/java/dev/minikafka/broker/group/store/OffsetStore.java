package dev.minikafka.broker.group.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.minikafka.broker.crash.CrashPoint;

/**
 * Groups and committed offsets in the database (PostgreSQL, or the embedded H2). Every method is one
 * transaction: a write either lands whole or not at all, and when it returns it is durable.
 */
@Component
public class OffsetStore {

    private static final String INSERT_GROUP_IF_ABSENT =
            "INSERT INTO consumer_groups (group_id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING";
    private static final String UPDATE_OFFSET = "UPDATE committed_offsets"
            + " SET committed_offset = ?, metadata = ?, member_epoch = ?, committed_at = ?"
            + " WHERE group_id = ? AND topic = ? AND partition_id = ?";
    private static final String INSERT_OFFSET = "INSERT INTO committed_offsets"
            + " (group_id, topic, partition_id, committed_offset, metadata, member_epoch, committed_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)";

    private final GroupRepository groups;
    private final CommittedOffsetRepository offsets;
    private final JdbcTemplate jdbc;

    public OffsetStore(GroupRepository groups, CommittedOffsetRepository offsets, JdbcTemplate jdbc) {
        this.groups = groups;
        this.offsets = offsets;
        this.jdbc = jdbc;
    }

    /** One offset to store. */
    public record Commit(String groupId, String topic, int partition, long offset, String metadata, int memberEpoch) {

        CommittedOffsetEntity.Key key() {
            return new CommittedOffsetEntity.Key(groupId, topic, partition);
        }
    }

    /**
     * Stores the commits in one transaction, creating groups not stored yet; a later commit to the same
     * partition wins. Plain JDBC batches rather than entities: this runs for every group commit of offsets
     * (hundreds a second from busy consumer groups), where loading, dirty-checking and flushing entities
     * took half the broker's CPU. An update per row, then an insert for the rows that were not there yet:
     * portable to PostgreSQL and H2, and race-free because one thread writes commits.
     */
    @Transactional
    public void write(List<Commit> commits, Instant at) {
        OffsetDateTime committedAt = at.atOffset(ZoneOffset.UTC);
        List<String> groupIds = commits.stream().map(Commit::groupId).distinct().toList();
        jdbc.batchUpdate(INSERT_GROUP_IF_ABSENT, groupIds.stream()
                .map(groupId -> new Object[] {groupId, committedAt})
                .toList());
        Map<CommittedOffsetEntity.Key, Commit> latest = new LinkedHashMap<>();
        commits.forEach(c -> latest.put(c.key(), c));
        List<Commit> rows = List.copyOf(latest.values());
        int[] updated = jdbc.batchUpdate(UPDATE_OFFSET, rows.stream()
                .map(c -> new Object[] {c.offset(), c.metadata(), c.memberEpoch(), committedAt, c.groupId(), c.topic(), c.partition()})
                .toList());
        List<Object[]> inserts = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (updated[i] == 0) {
                Commit c = rows.get(i);
                inserts.add(new Object[] {c.groupId(), c.topic(), c.partition(), c.offset(), c.metadata(), c.memberEpoch(), committedAt});
            }
        }
        jdbc.batchUpdate(INSERT_OFFSET, inserts);
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
