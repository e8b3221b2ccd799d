package dev.minikafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.minikafka.cli.support.Cli;
import dev.minikafka.cli.support.Cli.Result;

class ProduceConsumeTest {

    @Test
    void shouldReadBackKeyedLinesWithTheSameKeyOnTheSamePartition() {
        createTopic("payments", 3);

        Result produced = Cli.onBrokerWithInput("alice:paid 10\nbob:paid 25\nalice:refund 10\n",
                "produce", "payments", "--key-separator", ":");
        assertThat(produced.exitCode()).as(produced.err()).isZero();
        assertThat(produced.err()).isEqualTo("3 records sent to payments\n");

        Result consumed = Cli.onBroker("consume", "payments", "--from-beginning", "--print-key", "--print-offset",
                "--idle-timeout", "1s");
        assertThat(consumed.exitCode()).as(consumed.err()).isZero();
        assertThat(consumed.err()).isEqualTo("3 records read from payments\n");
        List<String[]> lines = consumed.out().lines().map(line -> line.split("\t")).toList();
        assertThat(lines).extracting(line -> line[1] + "=" + line[2])
                .containsExactlyInAnyOrder("alice=paid 10", "bob=paid 25", "alice=refund 10");
        String[] paid = lines.stream().filter(l -> l[2].equals("paid 10")).findFirst().orElseThrow();
        String[] refund = lines.stream().filter(l -> l[2].equals("refund 10")).findFirst().orElseThrow();
        assertThat(partitionOf(refund)).isEqualTo(partitionOf(paid));
        assertThat(offsetOf(refund)).isGreaterThan(offsetOf(paid));
        assertThat(lines.indexOf(refund)).isGreaterThan(lines.indexOf(paid));
    }

    @Test
    void shouldPrintOnlyValuesByDefault() {
        createTopic("plain", 1);
        Cli.onBrokerWithInput("one\ntwo\n", "produce", "plain");

        Result consumed = Cli.onBroker("consume", "plain", "--from-beginning", "--idle-timeout", "1s");

        assertThat(consumed.out()).isEqualTo("one\ntwo\n");
    }

    @Test
    void shouldStartAtTheLogEndWithoutAStartOption() {
        createTopic("latest", 1);
        Cli.onBrokerWithInput("old\n", "produce", "latest");

        Result consumed = Cli.onBroker("consume", "latest", "--idle-timeout", "500ms");

        assertThat(consumed.exitCode()).isZero();
        assertThat(consumed.out()).isEmpty();
        assertThat(consumed.err()).isEqualTo("0 records read from latest\n");
    }

    @Test
    void shouldReplayFromAPointInTime() throws InterruptedException {
        createTopic("timed", 2);
        Cli.onBrokerWithInput("a:before\n", "produce", "timed", "--key-separator", ":");
        Thread.sleep(20);
        Instant between = Instant.now();
        Thread.sleep(20);
        Cli.onBrokerWithInput("b:after 1\nc:after 2\n", "produce", "timed", "--key-separator", ":");

        Result iso = Cli.onBroker("consume", "timed", "--from-time", between.toString(), "--idle-timeout", "1s");
        Result epoch = Cli.onBroker("consume", "timed", "--from-time", Long.toString(between.toEpochMilli()),
                "--idle-timeout", "1s");

        assertThat(iso.out().lines()).containsExactlyInAnyOrder("after 1", "after 2");
        assertThat(epoch.out().lines()).containsExactlyInAnyOrder("after 1", "after 2");
    }

    @Test
    void shouldReadOnePartitionFromAnOffset() {
        createTopic("numbers", 2);
        Cli.onBrokerWithInput("1\n2\n3\n4\n5\n", "produce", "numbers", "--partition", "1");

        Result fromOffset = Cli.onBroker("consume", "numbers", "--partition", "1", "--offset", "3",
                "--print-offset", "--idle-timeout", "1s");
        Result otherPartition = Cli.onBroker("consume", "numbers", "--partition", "0", "--from-beginning",
                "--idle-timeout", "500ms");

        assertThat(fromOffset.out()).isEqualTo("1:3\t4\n1:4\t5\n");
        assertThat(otherPartition.out()).isEmpty();
    }

    @Test
    void shouldResumeAGroupWhereItsLastMemberStoppedPrinting() {
        createTopic("grouped", 1);
        Cli.onBrokerWithInput("1\n2\n3\n4\n5\n", "produce", "grouped");

        Result first = Cli.onBroker("consume", "grouped", "--group", "readers", "--from-beginning", "--max-records", "3",
                "--idle-timeout", "10s");
        Result second = Cli.onBroker("consume", "grouped", "--group", "readers", "--idle-timeout", "2s");
        Result otherGroup = Cli.onBroker("consume", "grouped", "--group", "others", "--from-beginning", "--idle-timeout", "2s");

        assertThat(first.out()).isEqualTo("1\n2\n3\n");
        assertThat(first.err()).contains("3 records read from grouped by group readers");
        assertThat(second.out()).isEqualTo("4\n5\n");
        assertThat(otherGroup.out()).isEqualTo("1\n2\n3\n4\n5\n");
    }

    @Test
    void shouldRefuseAGroupWithAPartitionOrOffset() {
        createTopic("grouped-bad", 2);

        Result result = Cli.onBroker("consume", "grouped-bad", "--group", "g", "--partition", "1");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--group reads the partitions the broker assigns");
    }

    @Test
    void shouldStopAfterMaxRecordsWithoutWaitingForTheIdleTimeout() {
        createTopic("many", 1);
        Cli.onBrokerWithInput("a\nb\nc\nd\ne\n", "produce", "many");

        long start = System.nanoTime();
        Result consumed = Cli.onBroker("consume", "many", "--from-beginning", "--max-records", "2",
                "--idle-timeout", "30s");

        assertThat(consumed.out()).isEqualTo("a\nb\n");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
    }

    @Test
    void shouldSendAndPrintHeaders() {
        createTopic("traced", 1);
        Result produced = Cli.onBrokerWithInput("k|v\n", "produce", "traced", "--key-separator", "|",
                "--header", "source=cli", "--header", "trace=a=b", "--acks", "durable");
        assertThat(produced.exitCode()).as(produced.err()).isZero();

        Result consumed = Cli.onBroker("consume", "traced", "--from-beginning", "--print-headers", "--print-key",
                "--idle-timeout", "1s");

        assertThat(consumed.out()).isEqualTo("source=cli,trace=a=b\tk\tv\n");
    }

    @Test
    void shouldSayHowManyRecordsWentWithAcksNone() {
        createTopic("fire-and-forget", 1);

        Result produced = Cli.onBrokerWithInput("x\n", "produce", "fire-and-forget", "--acks", "NONE");

        assertThat(produced.exitCode()).isZero();
        assertThat(produced.err()).isEqualTo("1 record sent to fire-and-forget (acks=none: not confirmed)\n");
    }

    private static void createTopic(String name, int partitions) {
        Result created = Cli.onBroker("topics", "create", name, "--partitions", Integer.toString(partitions));
        assertThat(created.exitCode()).as(created.err()).isZero();
    }

    private static int partitionOf(String[] line) {
        return Integer.parseInt(line[0].split(":")[0]);
    }

    private static long offsetOf(String[] line) {
        return Long.parseLong(line[0].split(":")[1]);
    }
}
