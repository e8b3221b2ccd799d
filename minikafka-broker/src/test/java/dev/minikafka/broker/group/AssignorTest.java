package dev.minikafka.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.minikafka.client.TopicPartition;

class AssignorTest {

    private static final Map<String, Integer> COUNTS = Map.of("a", 6, "b", 3);

    @Test
    void rangeHandsOutContiguousRangesPerTopicWithTheExtrasFirst() {
        Map<TopicPartition, String> target = Assignor.assign(Assignor.RANGE, members(Set.of("a", "b"), "m1", "m2", "m3", "m4"),
                COUNTS, Map.of());

        assertThat(partitionsOf(target, "m1", "a")).containsExactly(0, 1);
        assertThat(partitionsOf(target, "m2", "a")).containsExactly(2, 3);
        assertThat(partitionsOf(target, "m3", "a")).containsExactly(4);
        assertThat(partitionsOf(target, "m4", "a")).containsExactly(5);
        assertThat(partitionsOf(target, "m1", "b")).containsExactly(0);
        assertThat(partitionsOf(target, "m4", "b")).isEmpty();
        assertThat(target).hasSize(9);
    }

    @Test
    void roundRobinDealsAllTopicsTogether() {
        Map<TopicPartition, String> target = Assignor.assign(Assignor.ROUND_ROBIN, members(Set.of("a", "b"), "m1", "m2"),
                COUNTS, Map.of());

        assertThat(countByMember(target)).containsEntry("m1", 5L).containsEntry("m2", 4L);
        assertThat(partitionsOf(target, "m1", "a")).containsExactly(0, 2, 4);
        assertThat(partitionsOf(target, "m2", "a")).containsExactly(1, 3, 5);
    }

    @Test
    void aJoiningMemberTakesOnlyWhatBalanceRequiresFromTheOthers() {
        for (String assignor : List.of(Assignor.RANGE, Assignor.ROUND_ROBIN)) {
            Map<TopicPartition, String> before = Assignor.assign(assignor, members(Set.of("a"), "m1", "m2"), COUNTS, Map.of());
            Map<TopicPartition, String> after = Assignor.assign(assignor, members(Set.of("a"), "m1", "m2", "m3"), COUNTS, before);

            assertThat(countByMember(after).values()).containsOnly(2L);
            long moved = before.keySet().stream().filter(tp -> !before.get(tp).equals(after.get(tp))).count();
            assertThat(moved).as(assignor + ": partitions that changed owner").isEqualTo(2);
            after.forEach((tp, owner) -> {
                if (!owner.equals("m3")) {
                    assertThat(before.get(tp)).as(assignor + ": " + tp + " stays with its owner").isEqualTo(owner);
                }
            });
        }
    }

    @Test
    void aLeavingMembersPartitionsAreSpreadAndTheRestStay() {
        Map<TopicPartition, String> before = Assignor.assign(Assignor.RANGE, members(Set.of("a"), "m1", "m2", "m3"), COUNTS, Map.of());
        Map<TopicPartition, String> after = Assignor.assign(Assignor.RANGE, members(Set.of("a"), "m1", "m3"), COUNTS, before);

        assertThat(countByMember(after)).containsEntry("m1", 3L).containsEntry("m3", 3L);
        before.forEach((tp, owner) -> {
            if (!owner.equals("m2")) {
                assertThat(after.get(tp)).isEqualTo(owner);
            }
        });
    }

    @Test
    void membersOnlyGetTopicsTheySubscribeTo() {
        SortedMap<String, Set<String>> subscriptions = new TreeMap<>(Map.of("m1", Set.of("a"), "m2", Set.of("a", "b")));
        for (String assignor : List.of(Assignor.RANGE, Assignor.ROUND_ROBIN)) {
            Map<TopicPartition, String> target = Assignor.assign(assignor, subscriptions, COUNTS, Map.of());

            assertThat(partitionsOf(target, "m1", "b")).isEmpty();
            assertThat(partitionsOf(target, "m2", "b")).containsExactly(0, 1, 2);
            assertThat(partitionsOf(target, "m1", "a")).hasSize(3);
        }
    }

    @Test
    void moreMembersThanPartitionsLeavesSomeIdleAndUnknownTopicsAreIgnored() {
        Map<TopicPartition, String> target = Assignor.assign(Assignor.RANGE,
                members(Set.of("b", "missing"), "m1", "m2", "m3", "m4"), COUNTS, Map.of());

        assertThat(target).hasSize(3);
        assertThat(countByMember(target).values()).containsOnly(1L);
    }

    private static SortedMap<String, Set<String>> members(Set<String> topics, String... ids) {
        SortedMap<String, Set<String>> members = new TreeMap<>();
        for (String id : ids) {
            members.put(id, topics);
        }
        return members;
    }

    private static List<Integer> partitionsOf(Map<TopicPartition, String> target, String member, String topic) {
        return target.entrySet().stream()
                .filter(e -> e.getValue().equals(member) && e.getKey().topic().equals(topic))
                .map(e -> e.getKey().partition()).sorted().toList();
    }

    private static Map<String, Long> countByMember(Map<TopicPartition, String> target) {
        return new HashMap<>(target.values().stream().collect(Collectors.groupingBy(m -> m, Collectors.counting())));
    }
}
