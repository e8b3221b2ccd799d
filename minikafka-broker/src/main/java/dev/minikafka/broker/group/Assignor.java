package dev.minikafka.broker.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;

import dev.minikafka.client.TopicPartition;

/**
 * Decides which member should own each partition: the group's target assignment. Both assignors are
 * balanced (members sharing a scope differ by at most one partition) and sticky (a partition stays with
 * its current owner while that keeps the balance), so a rebalance moves only what it must.
 * They differ in the scope they balance over and in where new partitions go:
 * <ul>
 * <li>{@code range}: each topic on its own, handing out contiguous ranges, so members with equal
 * subscriptions get the same partition numbers of co-partitioned topics (Kafka's range assignor);</li>
 * <li>{@code roundrobin}: all partitions of all topics together, dealt one at a time, which balances many
 * small topics better. When members subscribe to different topics it falls back to balancing per topic.</li>
 * </ul>
 */
final class Assignor {

    static final String RANGE = "range";
    static final String ROUND_ROBIN = "roundrobin";
    static final Set<String> NAMES = Set.of(RANGE, ROUND_ROBIN);

    private Assignor() {
    }

    /**
     * @param name           {@link #RANGE} or {@link #ROUND_ROBIN}
     * @param subscriptions  each member's topics, by member id
     * @param partitionCount partitions of each topic (0 for one that does not exist)
     * @param currentOwner   the previous target owner of each partition
     * @return the new target owner of every partition some member subscribes to
     */
    static Map<TopicPartition, String> assign(String name, SortedMap<String, Set<String>> subscriptions,
            Map<String, Integer> partitionCount, Map<TopicPartition, String> currentOwner) {
        Map<TopicPartition, String> target = new HashMap<>();
        boolean sameTopics = subscriptions.values().stream().distinct().count() <= 1;
        if (ROUND_ROBIN.equals(name) && sameTopics && !subscriptions.isEmpty()) {
            List<TopicPartition> all = new ArrayList<>();
            for (String topic : new TreeSet<>(subscriptions.values().iterator().next())) {
                all.addAll(partitionsOf(topic, partitionCount));
            }
            balance(List.copyOf(subscriptions.keySet()), all, currentOwner, false, target);
            return target;
        }
        Set<String> topics = new TreeSet<>();
        subscriptions.values().forEach(topics::addAll);
        for (String topic : topics) {
            List<String> members = subscriptions.entrySet().stream()
                    .filter(e -> e.getValue().contains(topic)).map(Map.Entry::getKey).toList();
            balance(members, partitionsOf(topic, partitionCount), currentOwner, RANGE.equals(name), target);
        }
        return target;
    }

    private static List<TopicPartition> partitionsOf(String topic, Map<String, Integer> partitionCount) {
        int count = partitionCount.getOrDefault(topic, 0);
        List<TopicPartition> partitions = new ArrayList<>(count);
        for (int p = 0; p < count; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        return partitions;
    }

    /**
     * Places {@code partitions} on {@code members} (sorted): each gets {@code n / m} or one more; the extra
     * ones go to the members that already hold the most, so fewer partitions move. Partitions first stay
     * with their current owner up to its quota; the rest fill the members with room, in member order,
     * either in runs ({@code contiguous}) or one at a time.
     */
    private static void balance(List<String> members, Collection<TopicPartition> partitions,
            Map<TopicPartition, String> currentOwner, boolean contiguous, Map<TopicPartition, String> target) {
        if (members.isEmpty() || partitions.isEmpty()) {
            return;
        }
        Map<String, Integer> held = new HashMap<>();
        for (TopicPartition tp : partitions) {
            String owner = currentOwner.get(tp);
            if (owner != null && members.contains(owner)) {
                held.merge(owner, 1, Integer::sum);
            }
        }
        List<String> byHeld = new ArrayList<>(members);
        byHeld.sort((a, b) -> Integer.compare(held.getOrDefault(b, 0), held.getOrDefault(a, 0)));
        int base = partitions.size() / members.size();
        int extra = partitions.size() % members.size();
        Map<String, Integer> room = new HashMap<>();
        for (int i = 0; i < byHeld.size(); i++) {
            room.put(byHeld.get(i), base + (i < extra ? 1 : 0));
        }
        List<TopicPartition> unplaced = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            String owner = currentOwner.get(tp);
            if (owner != null && room.getOrDefault(owner, 0) > 0) {
                target.put(tp, owner);
                room.merge(owner, -1, Integer::sum);
            } else {
                unplaced.add(tp);
            }
        }
        int next = 0;
        if (contiguous) {
            for (String member : members) {
                for (int r = room.get(member); r > 0; r--) {
                    target.put(unplaced.get(next++), member);
                }
            }
            return;
        }
        int m = 0;
        while (next < unplaced.size()) {
            String member = members.get(m++ % members.size());
            if (room.get(member) > 0) {
                room.merge(member, -1, Integer::sum);
                target.put(unplaced.get(next++), member);
            }
        }
    }
}
