package dev.minikafka.broker.group.store;

import java.util.Collection;
import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

/** Committed offsets, keyed by group, topic and partition. */
public interface CommittedOffsetRepository extends JpaRepository<CommittedOffsetEntity, CommittedOffsetEntity.Key> {

    List<CommittedOffsetEntity> findByGroupIdIn(Collection<String> groupIds);

    @Modifying
    @Query("delete from CommittedOffsetEntity o where o.topic = :topic")
    int deleteByTopic(String topic);

    @Modifying
    @Query("delete from CommittedOffsetEntity o where o.groupId = :groupId")
    int deleteByGroupId(String groupId);
}
