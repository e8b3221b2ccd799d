package dev.minikafka.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.minikafka.client.Acks;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.TopicInfo;
import dev.minikafka.protocol.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code minikafka produce TOPIC}: one record per line of standard input, sent as they are read (the
 * producer batches them), then a one-line summary on stderr once every record is acknowledged or failed.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Send each line of standard input to a topic as one record.")
final class ProduceCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "TOPIC", description = "The topic; it must exist.")
    private String topic;

    @Option(names = "--key-separator", paramLabel = "SEP",
            description = "Text before the first SEP of a line is the record's key, the rest its value. "
                    + "Records with the same key go to the same partition. Lines without SEP have no key.")
    private String keySeparator;

    @Option(names = "--partition", paramLabel = "N",
            description = "Send every record to this partition instead of choosing by key.")
    private Integer partition;

    @Option(names = "--acks", paramLabel = "MODE", defaultValue = "leader",
            description = "When a record counts as sent: none (not confirmed), leader (written to the log) or "
                    + "durable (fsynced) (default: ${DEFAULT-VALUE}).")
    private Acks acks;

    @Option(names = "--header", paramLabel = "KEY=VALUE",
            description = "A header added to every record; repeat for more.")
    private Map<String, String> headers = new LinkedHashMap<>();

    @Override
    public Integer call() {
        MiniKafkaCli cli = MiniKafkaCli.of(spec);
        PrintWriter err = spec.commandLine().getErr();
        try (BrokerConnection broker = cli.connect()) {
            TopicInfo info = broker.requireTopic(topic);
            Partitions.check(partition, info);
            LineParser parser = new LineParser(topic, keySeparator, partition, headerList());
            DeliveryTally tally = new DeliveryTally();
            long sent = 0;
            try (MiniKafkaProducer producer = broker.producer(acks)) {
                sent = sendLines(producer, parser, tally);
                producer.flush();
            }
            report(err, sent, tally);
        }
        return 0;
    }

    private long sendLines(MiniKafkaProducer producer, LineParser parser, DeliveryTally tally) {
        BufferedReader lines = new BufferedReader(new InputStreamReader(MiniKafkaCli.of(spec).stdin(), StandardCharsets.UTF_8));
        long sent = 0;
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                producer.send(parser.parse(line), tally);
                sent++;
            }
        } catch (IOException e) {
            throw new CliException("cannot read standard input: " + e.getMessage());
        }
        return sent;
    }

    private void report(PrintWriter err, long sent, DeliveryTally tally) {
        Exception failure = tally.firstFailure();
        if (failure == null) {
            err.printf("%s sent to %s%s%n", records(sent), topic, acks == Acks.NONE ? " (acks=none: not confirmed)" : "");
            err.flush();
            return;
        }
        err.printf("%d of %s sent to %s; %d failed%n", tally.acknowledged(), records(sent), topic, tally.failed());
        err.flush();
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw new CliException(failure.getMessage());
    }

    private List<Header> headerList() {
        List<Header> list = new ArrayList<>(headers.size());
        headers.forEach((key, value) -> list.add(Header.of(key, value)));
        return list;
    }

    private static String records(long count) {
        return count + (count == 1 ? " record" : " records");
    }
}
