package dev.minikafka.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.minikafka.broker.support.BrokerOverLoopback;
import dev.minikafka.client.TopicPartition;

/**
 * How long the coordinator keeps a group in memory: while it has members or committed offsets, and no
 * longer. Spoken to the coordinator of a real broker directly, with recording sessions.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GroupLifetimeTest extends BrokerOverLoopback {

    private static final String TOPIC = "lifetime";

    private static GroupCoordinator coordinator;

    @BeforeAll
    static void setUp() {
        coordinator = broker.getBean(GroupCoordinator.class);
        admin.createTopic(TOPIC, 2);
    }

    @Test
    void aGroupWhoseLastMemberLeavesWithoutCommittingIsForgotten() {
        for (int i = 0; i < 1_000; i++) {
            String groupId = "anonymous." + i;
            String memberId = coordinator.join(join(groupId), new EpochSession());
            coordinator.disconnect(groupId, memberId, true);
        }

        assertThat(coordinator.groups()).extracting(GroupsView.GroupSnapshot::groupId)
                .noneMatch(id -> id.startsWith("anonymous."));
    }

    @Test
    void aGroupWithCommittedOffsetsIsKeptAfterItsLastMemberLeaves() throws Exception {
        EpochSession session = new EpochSession();
        String memberId = coordinator.join(join("committed"), session);
        coordinator.commit("committed", memberId, session.epoch, Map.of(new TopicPartition(TOPIC, 0),
                new CommittedOffset(5, "", 0))).get(10, TimeUnit.SECONDS);
        coordinator.disconnect("committed", memberId, true);

        assertThat(coordinator.groups()).filteredOn(g -> g.groupId().equals("committed")).singleElement()
                .extracting(GroupsView.GroupSnapshot::committed).isEqualTo(Map.of(new TopicPartition(TOPIC, 0), 5L));
    }

    @Test
    void aJoinRacingTheLastLeaveLandsInTheGroupTheCoordinatorKeeps() {
        List<CompletableFuture<Void>> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 200; i++) {
                    String memberId = coordinator.join(join("racing"), new EpochSession());
                    assertThat(coordinator.describe("racing").members()).as("the member is in the live group")
                            .anyMatch(m -> m.memberId().equals(memberId));
                    coordinator.disconnect("racing", memberId, true);
                }
            }));
        }
        threads.forEach(CompletableFuture::join);
        assertThat(coordinator.groups()).extracting(GroupsView.GroupSnapshot::groupId).doesNotContain("racing");
    }

    private static GroupCoordinator.JoinRequest join(String groupId) {
        return new GroupCoordinator.JoinRequest(groupId, List.of(TOPIC), "", 0, "", "test");
    }
}
