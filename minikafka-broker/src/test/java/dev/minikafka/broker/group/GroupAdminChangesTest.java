package dev.minikafka.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.minikafka.broker.group.store.CommittedOffsetEntity;
import dev.minikafka.broker.group.store.GroupEntity;
import dev.minikafka.broker.group.store.OffsetStore;
import dev.minikafka.broker.support.BrokerOverLoopback;
import dev.minikafka.broker.topic.TopicRegistry;
import dev.minikafka.client.TopicPartition;

/**
 * The admin's group delete and offset reset take effect in order with the commits around them: a commit
 * accepted before a delete cannot write the group back, and a member joining during a reset starts from the
 * reset offsets. A coordinator of its own, over the broker's topics and database, with writes that can be held.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GroupAdminChangesTest extends BrokerOverLoopback {

    private static final String TOPIC = "admin-changes";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    private static OffsetStore store;
    private static StallingOffsetStore stalling;
    private static GroupCoordinator coordinator;

    @BeforeAll
    static void setUp() {
        admin.createTopic(TOPIC, 1);
        store = broker.getBean(OffsetStore.class);
        stalling = new StallingOffsetStore(store);
        coordinator = newCoordinator(stalling);
    }

    @AfterAll
    static void tearDown() {
        stalling.release();
        coordinator.destroy();
    }

    @Test
    void aCommitAcceptedBeforeAGroupDeleteDoesNotBringTheGroupBackAfterARestart() throws Exception {
        EpochSession session = new EpochSession();
        String memberId = coordinator.join(join("deleted"), session);
        stalling.stallWrites();
        CompletableFuture<Void> lastCommit = coordinator.commit("deleted", memberId, session.epoch,
                Map.of(TP, new CommittedOffset(5, "", 0))); // as a consumer's commit on close
        assertThat(stalling.awaitStalled()).isTrue();
        coordinator.disconnect("deleted", memberId, true);

        CompletableFuture<Void> delete = CompletableFuture.runAsync(() -> coordinator.deleteGroup("deleted"));
        try {
            delete.get(1, TimeUnit.SECONDS); // done at once if it does not wait for the commit
        } catch (TimeoutException waitingForTheCommit) {
            // expected: the delete is queued behind the commit
        }
        stalling.release();
        lastCommit.get(10, TimeUnit.SECONDS);
        delete.get(10, TimeUnit.SECONDS);

        assertThat(store.allGroups()).extracting(GroupEntity::groupId).doesNotContain("deleted");
        assertThat(store.allOffsets()).extracting(CommittedOffsetEntity::groupId).doesNotContain("deleted");
        GroupCoordinator restarted = newCoordinator(store);
        try {
            assertThat(restarted.groups()).extracting(GroupsView.GroupSnapshot::groupId).doesNotContain("deleted");
        } finally {
            restarted.destroy();
        }
    }

    @Test
    void aMemberJoiningWhileAResetIsStoredStartsFromTheResetOffsets() throws Exception {
        coordinator.commit("reset", "", 0, Map.of(TP, new CommittedOffset(5, "", 0))).get(10, TimeUnit.SECONDS);
        stalling.stallWrites();
        CompletableFuture<Void> reset = coordinator.resetOffsets("reset", Map.of(TP, 0L));
        assertThat(stalling.awaitStalled()).isTrue();

        Long seenAtJoin = null;
        try {
            coordinator.join(join("reset"), new EpochSession());
            seenAtJoin = coordinator.committed("reset").get(TP).offset(); // what its offset look-up answers
        } catch (GroupException e) {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(GroupException.Kind.UNAVAILABLE); // retriable
            assertThat(e.getMessage()).contains("being reset");
        }
        stalling.release();
        reset.get(10, TimeUnit.SECONDS);
        if (seenAtJoin == null) {
            coordinator.join(join("reset"), new EpochSession()); // the client's retry
            seenAtJoin = coordinator.committed("reset").get(TP).offset();
        }

        assertThat(seenAtJoin).as("the committed offset a member sees once it has joined").isZero();
    }

    private static GroupCoordinator newCoordinator(OffsetStore offsets) {
        return new GroupCoordinator(broker.getBean(TopicRegistry.class), offsets,
                new GroupProperties(null, null, null, null, null, 0, null), Clock.systemUTC());
    }

    private static GroupCoordinator.JoinRequest join(String groupId) {
        return new GroupCoordinator.JoinRequest(groupId, List.of(TOPIC), "", 0, "", "test");
    }
}
