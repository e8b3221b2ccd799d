package dev.minikafka.cli;

import dev.minikafka.client.TopicInfo;

/** Checks a {@code --partition} against the topic before any record moves, for a clearer message than the broker's. */
final class Partitions {

    private Partitions() {
    }

    /** Does nothing when {@code partition} is null (not given). */
    static void check(Integer partition, TopicInfo topic) {
        if (partition == null) {
            return;
        }
        int count = topic.partitionCount();
        if (partition < 0 || partition >= count) {
            throw new CliException("partition " + partition + " does not exist; topic '" + topic.name() + "' has "
                    + count + (count == 1 ? " partition (0)" : " partitions (0-" + (count - 1) + ")"));
        }
    }
}
