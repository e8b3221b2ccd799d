package dev.minikafka.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.minikafka.client.PartitionInfo;
import dev.minikafka.client.TopicInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code minikafka topics describe NAME}: the effective configuration, then one table row per partition. */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show a topic's configuration and, per partition, its offsets, size and segments.")
final class DescribeTopicCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The topic.")
    private String name;

    @Override
    public Integer call() {
        TopicInfo topic;
        try (BrokerConnection broker = MiniKafkaCli.of(spec).connect()) {
            topic = broker.admin(admin -> admin.describeTopic(name));
        }
        PrintWriter out = spec.commandLine().getOut();
        Table.properties()
                .row("Topic:", topic.name())
                .row("Partitions:", topic.partitionCount())
                .row("Records:", topic.recordCount())
                .row("Created:", topic.createdAt())
                .row("Retention:", Units.duration(topic.retentionMs()))
                .row("Retention bytes:", Units.exactSize(topic.retentionBytes()) + " per partition")
                .row("Segment bytes:", Units.exactSize(topic.segmentBytes()))
                .row("Segment age:", Units.duration(topic.segmentMs()))
                .row("Max message bytes:", Units.exactSize(topic.maxMessageBytes()))
                .row("Timestamps:", topic.logAppendTime() ? "log append time" : "create time")
                .print(out);
        out.println();
        Table partitions = Table.withHeader(0, "PARTITION", "START OFFSET", "END OFFSET", "RECORDS", "SIZE", "SEGMENTS");
        for (PartitionInfo p : topic.partitions()) {
            partitions.row(p.partition(), p.logStartOffset(), p.logEndOffset(), p.logEndOffset() - p.logStartOffset(),
                    Units.size(p.sizeBytes()), p.segmentCount());
        }
        partitions.print(out);
        return 0;
    }
}
