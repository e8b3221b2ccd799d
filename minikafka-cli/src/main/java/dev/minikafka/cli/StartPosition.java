package dev.minikafka.cli;

import java.time.Instant;
import java.util.List;

import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.PartitionInfo;
import dev.minikafka.client.TopicInfo;
import dev.minikafka.client.TopicPartition;
import picocli.CommandLine.Option;

/**
 * Where {@code consume} starts reading; at most one of the options (picocli enforces it). With none, it
 * starts at the log end and shows only records produced from now on, like {@code kafka-console-consumer}.
 */
final class StartPosition {

    @Option(names = "--from-beginning", description = "Start at the oldest record still kept.")
    boolean fromBeginning;

    @Option(names = "--from-time", paramLabel = "TIME", converter = TimestampConverter.class,
            description = "Start at the first record with a timestamp at or after TIME: an ISO-8601 instant "
                    + "(2026-11-24T08:00:00Z) or epoch milliseconds.")
    Instant fromTime;

    @Option(names = "--offset", paramLabel = "N",
            description = "Start at offset N of the partition given with --partition.")
    Long offset;

    /** Moves {@code consumer}, already assigned {@code partitions}, to the start; {@code start} may be null. */
    static void apply(StartPosition start, MiniKafkaConsumer consumer, List<TopicPartition> partitions, TopicInfo topic) {
        if (start == null) {
            consumer.seekToEnd(partitions);
        } else if (start.fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else if (start.fromTime != null) {
            consumer.seekToTimestamp(partitions, start.fromTime.toEpochMilli());
        } else {
            TopicPartition only = partitions.get(0);
            checkInLog(start.offset, topic.partitions().get(only.partition()), only);
            consumer.seek(only, start.offset);
        }
    }

    /** An offset outside the log would silently move elsewhere; say so instead. */
    private static void checkInLog(long offset, PartitionInfo partition, TopicPartition tp) {
        if (offset < partition.logStartOffset() || offset > partition.logEndOffset()) {
            throw new CliException("offset " + offset + " is outside partition " + tp.partition() + " of '" + tp.topic()
                    + "', which holds offsets " + partition.logStartOffset() + " to " + partition.logEndOffset()
                    + " (exclusive)");
        }
    }
}
