package dev.minikafka.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import dev.minikafka.broker.group.store.CommittedOffsetEntity;
import dev.minikafka.broker.group.store.OffsetStore;
import dev.minikafka.broker.support.PostgresTestDatabase;

/**
 * The committer's queue on the real PostgreSQL: a row the database refuses fails only its own commit, and
 * work queued behind commits runs after them.
 */
@DataJpaTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Import(OffsetStore.class)
@Transactional(propagation = Propagation.NOT_SUPPORTED) // each store call is its own transaction, as in the broker
class OffsetCommitterOnPostgresTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        PostgresTestDatabase.register(registry, "offset_committer");
    }

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
    void aCommitTheDatabaseRefusesFailsAloneAndTheOthersOfItsBatchAreStored() throws Exception {
        StallingOffsetStore gated = new StallingOffsetStore(store);
        gated.stallWrites();
        try (OffsetCommitter committer = new OffsetCommitter(gated, Clock.systemUTC(), 500)) {
            CompletableFuture<Void> first = committer.submit(List.of(commit("first", "")), at -> { });
            assertThat(gated.awaitStalled()).isTrue();
            // Queued while the first transaction runs: these two share the next one.
            CompletableFuture<Void> refused = committer.submit(List.of(commit("refused", "a\0b")), at -> { });
            CompletableFuture<Void> other = committer.submit(List.of(commit("other", "")), at -> { });
            gated.release();

            first.get(10, TimeUnit.SECONDS);
            other.get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(GroupException.class)
                    .satisfies(e -> assertThat(((GroupException) e).kind()).isEqualTo(GroupException.Kind.INVALID));
        }
        assertThat(store.allOffsets()).extracting(CommittedOffsetEntity::groupId).containsExactlyInAnyOrder("first", "other");
    }

    @Test
    void aTaskRunsAfterEveryCommitQueuedBeforeIt() throws Exception {
        StallingOffsetStore gated = new StallingOffsetStore(store);
        gated.stallWrites();
        try (OffsetCommitter committer = new OffsetCommitter(gated, Clock.systemUTC(), 500)) {
            committer.submit(List.of(commit("first", "")), at -> { });
            assertThat(gated.awaitStalled()).isTrue();
            CompletableFuture<Void> queued = committer.submit(List.of(commit("queued", "")), at -> { });
            CompletableFuture<Void> deleted = committer.runInOrder(() -> store.deleteTopic("payments"));
            gated.release();

            queued.get(10, TimeUnit.SECONDS);
            deleted.get(10, TimeUnit.SECONDS);
        }
        assertThat(store.allOffsets()).as("the commit queued before the delete did not write its row back").isEmpty();
    }

    private static OffsetStore.Commit commit(String groupId, String metadata) {
        return new OffsetStore.Commit(groupId, "payments", 0, 1, metadata, 1);
    }
}
