package dev.minikafka.binder;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import dev.minikafka.client.TopicPartition;

/**
 * What a polled source may commit when the application acknowledges records out of order ({@code noAutoAck()}
 * and acknowledging later, from anywhere): per partition, only up to the first record handed out and not yet
 * acknowledged, as Kafka's polled source does. Committing each acknowledged record's own offset would move the
 * group's offset backwards when an earlier record is acknowledged after a later one, and past a record still
 * being worked on when a later one is acknowledged first.
 *
 * <p>Each delivery has its own id, so that an acknowledgement of a delivery that no longer counts (its record was
 * requeued, or its partition revoked, since) changes nothing.
 *
 * <p>Not thread-safe: {@link MiniKafkaMessageSource} calls it under its own lock.
 */
final class PolledOffsets {

    /** Returned when an acknowledgement moves nothing that needs committing. */
    static final long NOTHING = -1;

    private static final class Partition {
        /** Offsets handed out and not yet acknowledged, each with its delivery id. */
        final TreeMap<Long, Long> outstanding = new TreeMap<>();
        /** The offset after the highest acknowledged record. */
        long acknowledgedUpTo = NOTHING;
        long committed = NOTHING;
    }

    private final Map<TopicPartition, Partition> partitions = new HashMap<>();
    private long deliveries;

    /** A record was handed to the application; returns the id to acknowledge it with. */
    long delivered(TopicPartition tp, long offset) {
        long id = ++deliveries;
        Partition p = partitions.get(tp);
        if (p == null) {
            // The first record read from the partition is where its reading started: nothing before it is ours.
            p = new Partition();
            p.committed = offset;
            partitions.put(tp, p);
        }
        p.outstanding.put(offset, id);
        return id;
    }

    /**
     * The application accepted or rejected a delivery: returns the offset the group may now commit for the
     * partition, or {@link #NOTHING} when it has not moved past what was committed.
     */
    long acknowledged(TopicPartition tp, long offset, long id) {
        Partition p = partitions.get(tp);
        if (p == null) {
            return NOTHING;
        }
        Long current = p.outstanding.get(offset);
        if (current == null || current != id) {
            return NOTHING;
        }
        p.outstanding.remove(offset);
        p.acknowledgedUpTo = Math.max(p.acknowledgedUpTo, offset + 1);
        long commit = p.outstanding.isEmpty() ? p.acknowledgedUpTo : Math.min(p.outstanding.firstKey(), p.acknowledgedUpTo);
        if (commit <= p.committed) {
            return NOTHING;
        }
        p.committed = commit;
        return commit;
    }

    /** The partition moved back to {@code offset}: the records from there on will be handed out again. */
    void requeued(TopicPartition tp, long offset) {
        Partition p = partitions.get(tp);
        if (p != null) {
            p.outstanding.tailMap(offset, true).clear();
            p.acknowledgedUpTo = Math.min(p.acknowledgedUpTo, offset);
        }
    }

    /** These partitions are no longer ours: acknowledgements of what was handed out from them no longer count. */
    void revoked(Collection<TopicPartition> revoked) {
        revoked.forEach(partitions::remove);
    }

    void clear() {
        partitions.clear();
    }
}
