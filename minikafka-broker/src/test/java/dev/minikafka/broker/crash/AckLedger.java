package dev.minikafka.broker.crash;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.minikafka.client.TopicPartition;

/**
 * What the broker acknowledged during a crash run, across all its lives: for each partition the record id
 * acknowledged at each offset, and the highest acknowledged committed offset of the consumer group. Record
 * values are {@code <id>|<padding>}, the padding a function of the id, so a torn or mixed-up record is
 * recognisable on its own.
 */
final class AckLedger {

    private final Map<Integer, NavigableMap<Long, String>> acked = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> commits = new ConcurrentHashMap<>();
    private final AtomicLong ackCount = new AtomicLong();
    private final AtomicLong commitCount = new AtomicLong();

    static byte[] value(String id) {
        int padding = 40 + Math.floorMod(id.hashCode(), 360);
        StringBuilder value = new StringBuilder(id.length() + 1 + padding).append(id).append('|');
        for (int i = 0; i < padding; i++) {
            value.append((char) ('a' + Math.floorMod(id.hashCode() + i, 26)));
        }
        return value.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The id in a record value written by {@link #value}; throws if the value is not exactly such a value. */
    static String idOf(byte[] value, long offset) {
        String text = new String(value, StandardCharsets.UTF_8);
        int bar = text.indexOf('|');
        String id = bar < 0 ? "" : text.substring(0, bar);
        if (bar < 0 || !java.util.Arrays.equals(value, value(id))) {
            throw new AssertionError("the record at offset " + offset + " is torn or foreign: '"
                    + text.substring(0, Math.min(60, text.length())) + "'");
        }
        return id;
    }

    void acked(int partition, long offset, String id) {
        String previous = acked.computeIfAbsent(partition, p -> new ConcurrentSkipListMap<>()).put(offset, id);
        if (previous != null && !previous.equals(id)) {
            throw new AssertionError("offset " + offset + " of partition " + partition + " was acknowledged twice: "
                    + previous + " and " + id);
        }
        ackCount.incrementAndGet();
    }

    /** Drops the acknowledgements below {@code offset} (retention deleted them). */
    void forgetBelow(int partition, long offset) {
        acked(partition).headMap(offset).clear();
    }

    void committed(TopicPartition partition, long offset) {
        commits.merge(partition, offset, Math::max);
        commitCount.incrementAndGet();
    }

    NavigableMap<Long, String> acked(int partition) {
        return acked.getOrDefault(partition, new ConcurrentSkipListMap<>());
    }

    Map<TopicPartition, Long> committedOffsets() {
        return Map.copyOf(commits);
    }

    long ackCount() {
        return ackCount.get();
    }

    long commitCount() {
        return commitCount.get();
    }
}
