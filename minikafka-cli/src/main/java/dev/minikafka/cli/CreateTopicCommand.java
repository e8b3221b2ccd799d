package dev.minikafka.cli;

import java.time.Duration;
import java.util.concurrent.Callable;

import dev.minikafka.client.NewTopic;
import dev.minikafka.client.TopicInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code minikafka topics create NAME --partitions N}: settings not given take the broker's defaults. */
@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
final class CreateTopicCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "Topic name: letters, digits, '.', '_' and '-'.")
    private String name;

    @Option(names = "--partitions", required = true, paramLabel = "N", description = "Number of partitions (1 or more).")
    private int partitions;

    @Option(names = "--retention", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Keep closed segments this long: 7d, 12h, 30m; -1 keeps them forever (default: the broker's, 7d).")
    private Duration retention;

    @Option(names = "--retention-bytes", paramLabel = "SIZE", converter = ByteSizeConverter.class,
            description = "Keep at most this much per partition: 1GB, 512MB; -1 for no limit (default: the broker's, -1).")
    private Long retentionBytes;

    @Option(names = "--segment-bytes", paramLabel = "SIZE", converter = ByteSizeConverter.class,
            description = "Roll to a new segment file at this size: 64MB (default: the broker's, 256MB).")
    private Long segmentBytes;

    @Override
    public Integer call() {
        NewTopic topic = new NewTopic(name, partitions);
        if (retention != null) {
            topic = topic.retention(retention);
        }
        if (retentionBytes != null) {
            topic = topic.retentionBytes(retentionBytes);
        }
        if (segmentBytes != null) {
            topic = topic.segmentBytes(segmentBytes);
        }
        NewTopic request = topic;
        try (BrokerConnection broker = MiniKafkaCli.of(spec).connect()) {
            TopicInfo created = broker.admin(admin -> admin.createTopic(request));
            spec.commandLine().getOut().printf("Created topic %s with %d partition%s%n", created.name(),
                    created.partitionCount(), created.partitionCount() == 1 ? "" : "s");
        }
        return 0;
    }
}
