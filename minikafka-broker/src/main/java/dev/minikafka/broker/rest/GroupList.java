package dev.minikafka.broker.rest;

import java.util.List;

/** Body of {@code GET /api/v1/groups}: every group the broker knows, sorted by id. */
public record GroupList(List<Entry> groups) {

    /** @param lag records between the group's committed offsets and the log ends, over all its partitions */
    public record Entry(String groupId, String state, int members, long lag) {
    }
}
