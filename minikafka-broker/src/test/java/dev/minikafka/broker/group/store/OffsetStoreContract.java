package dev.minikafka.broker.group.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * What the committed-offset store must do, run against every database MiniKafka supports (the embedded H2
 * and PostgreSQL) through thin subclasses: the same Flyway migrations, the same JPA code.
 */
@Import(OffsetStore.class)
@Transactional(propagation = Propagation.NOT_SUPPORTED) // each store call is its own transaction, as in the broker
abstract class OffsetStoreContract {

    private static final Instant T1 = Instant.parse("2026-11-25T10:00:00.123Z");
    private static final Instant T2 = T1.plusSeconds(5);

    @Autowired
    OffsetStore store;

    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void clean() {
        jdbc.update("DELETE FROM committed_offsets");
        jdbc.update("DELETE FROM consumer_groups");
    }

    @Test
    void shouldCreateTheGroupWithItsFirstCommitAndLoadBothBack() {
        store.write(List.of(new OffsetStore.Commit("orders", "payments", 0, 42, "m", 3)), T1);

        assertThat(store.allGroups()).extracting(GroupEntity::groupId).containsExactly("orders");
        CommittedOffsetEntity row = store.allOffsets().get(0);
        assertThat(row.topic()).isEqualTo("payments");
        assertThat(row.partition()).isZero();
        assertThat(row.offset()).isEqualTo(42);
        assertThat(row.metadata()).isEqualTo("m");
        assertThat(row.memberEpoch()).isEqualTo(3);
        assertThat(row.committedAt().truncatedTo(ChronoUnit.MILLIS)).isEqualTo(T1);
    }

    @Test
    void shouldOverwriteAPartitionsOffsetAndKeepTheLastOfOneBatch() {
        store.write(List.of(new OffsetStore.Commit("orders", "payments", 0, 10, "", 1)), T1);
        store.write(List.of(
                new OffsetStore.Commit("orders", "payments", 0, 20, "", 1),
                new OffsetStore.Commit("orders", "payments", 1, 5, "", 1),
                new OffsetStore.Commit("orders", "payments", 0, 30, "", 2)), T2);

        assertThat(store.allOffsets()).extracting(CommittedOffsetEntity::partition, CommittedOffsetEntity::offset)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(0, 30L), org.assertj.core.groups.Tuple.tuple(1, 5L));
        assertThat(store.allGroups()).hasSize(1);
    }

    @Test
    void shouldWriteSeveralGroupsInOneTransaction() {
        store.write(List.of(
                new OffsetStore.Commit("orders", "payments", 0, 1, "", 1),
                new OffsetStore.Commit("analytics", "payments", 0, 2, "", 1)), T1);

        assertThat(store.allGroups()).extracting(GroupEntity::groupId).containsExactlyInAnyOrder("orders", "analytics");
    }

    @Test
    void shouldWriteNothingWhenOneCommitOfATransactionIsRefused() {
        store.write(List.of(new OffsetStore.Commit("orders", "payments", 0, 7, "", 1)), T1);

        Throwable thrown = catchThrowable(() -> store.write(List.of(
                new OffsetStore.Commit("orders", "payments", 0, 8, "", 1),
                new OffsetStore.Commit("orders", "payments", 1, -1, "", 1)), T2));

        assertThat(thrown).isInstanceOf(DataIntegrityViolationException.class);
        assertThat(store.allOffsets()).singleElement().extracting(CommittedOffsetEntity::offset).isEqualTo(7L);
    }

    @Test
    void shouldDeleteAGroupWithItsOffsetsAndATopicsOffsetsInEveryGroup() {
        store.write(List.of(
                new OffsetStore.Commit("orders", "payments", 0, 1, "", 1),
                new OffsetStore.Commit("orders", "refunds", 0, 1, "", 1),
                new OffsetStore.Commit("analytics", "payments", 0, 2, "", 1)), T1);

        store.deleteTopic("payments");
        assertThat(store.allOffsets()).extracting(CommittedOffsetEntity::topic).containsExactly("refunds");

        store.deleteGroup("orders");
        assertThat(store.allOffsets()).isEmpty();
        assertThat(store.allGroups()).extracting(GroupEntity::groupId).containsExactly("analytics");
    }
}
