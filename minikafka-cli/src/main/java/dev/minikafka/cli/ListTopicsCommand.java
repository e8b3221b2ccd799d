package dev.minikafka.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.TopicInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code minikafka topics list}: one line per topic, with its partition and record counts. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List topics with their partitions and the records they hold now.")
final class ListTopicsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        List<TopicInfo> topics;
        try (BrokerConnection broker = MiniKafkaCli.of(spec).connect()) {
            topics = broker.admin(MiniKafkaAdmin::listTopics);
        }
        if (topics.isEmpty()) {
            spec.commandLine().getErr().println("no topics");
            return 0;
        }
        Table table = Table.withHeader(1, "NAME", "PARTITIONS", "RECORDS");
        for (TopicInfo topic : topics) {
            table.row(topic.name(), topic.partitionCount(), topic.recordCount());
        }
        PrintWriter out = spec.commandLine().getOut();
        table.print(out);
        return 0;
    }
}
