package dev.minikafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.minikafka.cli.support.Cli;
import dev.minikafka.cli.support.Cli.Result;

class TopicsCommandTest {

    @Test
    void shouldCreateListDescribeAndDeleteATopic() {
        Result created = Cli.onBroker("topics", "create", "orders", "--partitions", "3", "--retention", "1h",
                "--retention-bytes", "1GB", "--segment-bytes", "16MB");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).isEqualTo("Created topic orders with 3 partitions\n");

        Cli.onBrokerWithInput("a:1\nb:2\n", "produce", "orders", "--key-separator", ":");

        Result list = Cli.onBroker("topics", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out().lines().findFirst()).hasValueSatisfying(
                header -> assertThat(header).matches("NAME +PARTITIONS +RECORDS"));
        assertThat(list.out()).containsPattern("(?m)^orders +3 +2$");

        Result describe = Cli.onBroker("topics", "describe", "orders");
        assertThat(describe.exitCode()).isZero();
        assertThat(describe.out())
                .containsPattern("(?m)^Topic: +orders$")
                .containsPattern("(?m)^Partitions: +3$")
                .containsPattern("(?m)^Retention: +1h$")
                .containsPattern("(?m)^Retention bytes: +1GB per partition$")
                .containsPattern("(?m)^Segment bytes: +16MB$")
                .containsPattern("(?m)^PARTITION +START OFFSET +END OFFSET +RECORDS +SIZE +SEGMENTS$")
                .containsPattern("(?m)^ {8}0 +0 +\\d +\\d +\\d+(\\.\\d)?[KM]?B +1$")
                .containsPattern("(?m)^ {8}2 ");

        Result deleted = Cli.onBroker("topics", "delete", "orders");
        assertThat(deleted.exitCode()).isZero();
        assertThat(deleted.out()).isEqualTo("Deleted topic orders\n");
        assertThat(Cli.onBroker("topics", "list").out()).doesNotContain("orders");
    }

    @Test
    void shouldKeepRecordsForeverWithRetentionMinusOne() {
        Result created = Cli.onBroker("topics", "create", "forever", "--partitions", "1", "--retention", "-1");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).isEqualTo("Created topic forever with 1 partition\n");

        assertThat(Cli.onBroker("topics", "describe", "forever").out()).containsPattern("(?m)^Retention: +forever$");
    }

    @Test
    void shouldRefuseToCreateATopicTwice() {
        Cli.onBroker("topics", "create", "twice", "--partitions", "1");

        Result again = Cli.onBroker("topics", "create", "twice", "--partitions", "1");

        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).startsWith("minikafka: ").contains("twice").contains("already exists");
        assertThat(again.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void shouldPassOnTheBrokersReasonForAnInvalidTopic() {
        Result invalid = Cli.onBroker("topics", "create", "no/slashes", "--partitions", "1");

        assertThat(invalid.exitCode()).isEqualTo(1);
        assertThat(invalid.err()).startsWith("minikafka: ").contains("may contain only");
    }

    @Test
    void shouldSayWhichTopicDoesNotExist() {
        Result describe = Cli.onBroker("topics", "describe", "missing");
        assertThat(describe.exitCode()).isEqualTo(1);
        assertThat(describe.err()).isEqualTo("minikafka: topic 'missing' does not exist\n");

        Result delete = Cli.onBroker("topics", "delete", "missing");
        assertThat(delete.exitCode()).isEqualTo(1);
        assertThat(delete.err()).isEqualTo("minikafka: topic 'missing' does not exist\n");
    }

    @Test
    void shouldAcceptTheBootstrapBeforeTheSubcommand() {
        Result list = Cli.run("", "--bootstrap", dev.minikafka.cli.support.TestBroker.bootstrap(), "topics", "list");

        assertThat(list.exitCode()).as(list.err()).isZero();
    }
}
