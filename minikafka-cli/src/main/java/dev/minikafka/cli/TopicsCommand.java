package dev.minikafka.cli;

import picocli.CommandLine.Command;

/** {@code minikafka topics ...}: only groups the topic subcommands. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create, list, describe and delete topics.",
        subcommands = {CreateTopicCommand.class, ListTopicsCommand.class, DescribeTopicCommand.class,
                DeleteTopicCommand.class})
final class TopicsCommand {
}
