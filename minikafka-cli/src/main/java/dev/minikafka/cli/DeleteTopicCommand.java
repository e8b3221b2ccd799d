package dev.minikafka.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code minikafka topics delete NAME}: the topic and all its records, at once and for good. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a topic and all its records.")
final class DeleteTopicCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The topic.")
    private String name;

    @Override
    public Integer call() {
        try (BrokerConnection broker = MiniKafkaCli.of(spec).connect()) {
            broker.admin(admin -> {
                admin.deleteTopic(name);
                return null;
            });
        }
        spec.commandLine().getOut().println("Deleted topic " + name);
        return 0;
    }
}
