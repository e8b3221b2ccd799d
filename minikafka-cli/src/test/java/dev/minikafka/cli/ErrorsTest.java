package dev.minikafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import dev.minikafka.cli.support.Cli;
import dev.minikafka.cli.support.Cli.Result;

class ErrorsTest {

    @Test
    void shouldRefuseToProduceToAnUnknownTopic() {
        Result produced = Cli.onBrokerWithInput("a\n", "produce", "nowhere");

        assertThat(produced.exitCode()).isEqualTo(1);
        assertThat(produced.err()).isEqualTo("minikafka: topic 'nowhere' does not exist"
                + " (create it with: minikafka topics create nowhere --partitions N)\n");
    }

    @Test
    void shouldRefuseToConsumeAnUnknownTopic() {
        Result consumed = Cli.onBroker("consume", "nowhere", "--from-beginning");

        assertThat(consumed.exitCode()).isEqualTo(1);
        assertThat(consumed.err()).startsWith("minikafka: topic 'nowhere' does not exist");
    }

    @Test
    void shouldNameThePartitionsATopicHas() {
        Cli.onBroker("topics", "create", "two-partitions", "--partitions", "2");

        Result produced = Cli.onBrokerWithInput("a\n", "produce", "two-partitions", "--partition", "2");
        Result consumed = Cli.onBroker("consume", "two-partitions", "--partition", "5");

        assertThat(produced.exitCode()).isEqualTo(1);
        assertThat(produced.err()).isEqualTo(
                "minikafka: partition 2 does not exist; topic 'two-partitions' has 2 partitions (0-1)\n");
        assertThat(consumed.exitCode()).isEqualTo(1);
        assertThat(consumed.err()).contains("partition 5 does not exist");
    }

    @Test
    void shouldRefuseAnOffsetOutsideThePartition() {
        Cli.onBroker("topics", "create", "short-log", "--partitions", "1");
        Cli.onBrokerWithInput("a\nb\n", "produce", "short-log");

        Result consumed = Cli.onBroker("consume", "short-log", "--partition", "0", "--offset", "7");

        assertThat(consumed.exitCode()).isEqualTo(1);
        assertThat(consumed.err()).isEqualTo("minikafka: offset 7 is outside partition 0 of 'short-log', "
                + "which holds offsets 0 to 2 (exclusive)\n");
    }

    @Test
    void shouldExplainUsageErrorsWithExitStatusTwo() {
        assertUsageError(Cli.run("", "topics", "create", "t"), "Missing required option: '--partitions=N'");
        assertUsageError(Cli.run("", "consume", "t", "--offset", "3"), "--offset needs --partition");
        assertUsageError(Cli.run("", "consume", "t", "--from-beginning", "--offset", "3", "--partition", "0"),
                "mutually exclusive");
        assertUsageError(Cli.run("", "consume", "t", "--max-records", "0"), "--max-records must be positive");
        assertUsageError(Cli.run("", "consume", "t", "--idle-timeout", "soon"), "'soon' is not a duration");
        assertUsageError(Cli.run("", "consume", "t", "--from-time", "yesterday"), "'yesterday' is not a time");
        assertUsageError(Cli.run("", "produce", "t", "--acks", "all"), "--acks");
        assertUsageError(Cli.run("", "produce", "t", "--header", "novalue"), "KEY=VALUE");
        assertUsageError(Cli.run("", "topics", "list", "--bootstrap", "localhost"), "--bootstrap must be HOST:PORT");
        assertUsageError(Cli.run("", "topic", "list"), "Unmatched argument");
    }

    @Test
    void shouldSayTheBrokerCannotBeReachedWithinSeconds() throws IOException {
        String closed = "127.0.0.1:" + closedPort();

        long start = System.nanoTime();
        Result list = Cli.run("", "topics", "list", "--bootstrap", closed);
        Result produce = Cli.run("a\n", "produce", "payments", "--bootstrap", closed);
        Result consume = Cli.run("", "consume", "payments", "--bootstrap", closed);
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        for (Result result : new Result[] {list, produce, consume}) {
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).startsWith("minikafka: cannot reach broker at " + closed + ": ")
                    .doesNotContain("\tat ");
            assertThat(result.err().lines()).hasSize(1);
        }
        assertThat(tookMs).isLessThan(9_000);
    }

    @Test
    void shouldPrintHelpAndVersion() {
        Result help = Cli.run("", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("topics", "produce", "consume", "--bootstrap");

        Result consumeHelp = Cli.run("", "consume", "--help");
        assertThat(consumeHelp.out()).contains("--from-beginning", "--from-time", "--offset", "--follow");

        Result version = Cli.run("", "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("minikafka 0.");
    }

    private static void assertUsageError(Result result, String message) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).startsWith("minikafka: ").contains(message).contains("--help' for more information");
        assertThat(result.err()).doesNotContain("\tat ");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
