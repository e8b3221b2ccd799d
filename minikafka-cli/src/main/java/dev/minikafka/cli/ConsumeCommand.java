package dev.minikafka.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import dev.minikafka.client.ConsumerRebalanceListener;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.TopicInfo;
import dev.minikafka.client.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code minikafka consume TOPIC}: prints records, one line each, from every partition (or one) of a topic.
 * Stops after {@code --max-records}, or once no record has come for {@code --idle-timeout}, unless
 * {@code --follow} keeps it reading until interrupted. The count read goes to stderr at the end, so stdout
 * holds nothing but records. With {@code --group}, it reads as a member of that consumer group: the broker
 * assigns its partitions, it resumes from the group's committed offsets, and commits what it printed.
 */
@Command(name = "consume", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the records of a topic, one per line.")
final class ConsumeCommand implements Callable<Integer> {

    /** The longest single wait for records; short so that the idle timeout is kept to within this. */
    private static final long MAX_POLL_MS = 500;

    @Spec
    private CommandSpec spec;

    /** With --group: per partition, the offset after the last record printed; what is committed. */
    private final Map<TopicPartition, Long> printedUpTo = new HashMap<>();

    @Parameters(paramLabel = "TOPIC", description = "The topic.")
    private String topic;

    @ArgGroup(exclusive = true, multiplicity = "0..1",
            heading = "Where to start (default: the log end, i.e. only new records):%n")
    private StartPosition start;

    @Option(names = "--partition", paramLabel = "P", description = "Read only partition P (default: all).")
    private Integer partition;

    @Option(names = "--group", paramLabel = "GROUP",
            description = "Read as a member of consumer group GROUP: resume from its committed offsets (a new group"
                    + " starts at the log end, or the beginning with --from-beginning) and commit what was printed.")
    private String group;

    @Option(names = "--max-records", paramLabel = "N", description = "Stop after N records.")
    private Long maxRecords;

    @Option(names = "--follow", description = "Keep waiting for new records until interrupted (Ctrl-C).")
    private boolean follow;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "Without --follow, stop once no record has come for this long (default: ${DEFAULT-VALUE}).")
    private Duration idleTimeout;

    @Option(names = "--print-offset", description = "Start each line with partition:offset and a tab.")
    private boolean printOffset;

    @Option(names = "--print-headers", description = "Print the headers as k=v,k2=v2 and a tab before the key.")
    private boolean printHeaders;

    @Option(names = "--print-key", description = "Print the key and a tab before the value.")
    private boolean printKey;

    @Override
    public Integer call() {
        validate();
        MiniKafkaCli cli = MiniKafkaCli.of(spec);
        long read;
        try (BrokerConnection broker = cli.connect();
             MiniKafkaConsumer consumer = group != null ? broker.groupConsumer(startAtBeginning()) : broker.consumer()) {
            TopicInfo info = broker.requireTopic(topic);
            if (group != null) {
                consumer.subscribe(List.of(topic), group, new CommitPrinted(consumer));
                read = printRecords(consumer, spec.commandLine().getOut());
                consumer.commitSync(printedUpTo); // exactly what was printed, before leaving
                return report(read);
            }
            Partitions.check(partition, info);
            List<TopicPartition> partitions = partition != null
                    ? List.of(new TopicPartition(topic, partition))
                    : IntStream.range(0, info.partitionCount()).mapToObj(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(partitions);
            StartPosition.apply(start, consumer, partitions, info);
            read = printRecords(consumer, spec.commandLine().getOut());
        }
        return report(read);
    }

    /** Commits what was printed from partitions the group moves to another member, so it does not print them again. */
    private final class CommitPrinted implements ConsumerRebalanceListener {
        private final MiniKafkaConsumer consumer;

        CommitPrinted(MiniKafkaConsumer consumer) {
            this.consumer = consumer;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            partitions.forEach(tp -> {
                Long offset = printedUpTo.remove(tp);
                if (offset != null) {
                    offsets.put(tp, offset);
                }
            });
            consumer.commitSync(offsets);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(printedUpTo::remove); // another member may own them already: commit nothing
        }
    }

    private int report(long read) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(read + (read == 1 ? " record" : " records") + " read from " + topic
                + (group != null ? " by group " + group : ""));
        err.flush();
        return 0;
    }

    private boolean startAtBeginning() {
        return start != null && start.fromBeginning;
    }

    private void validate() {
        if (group != null && (partition != null || start != null && !start.fromBeginning)) {
            throw new ParameterException(spec.commandLine(), "--group reads the partitions the broker assigns, from the"
                    + " group's committed offsets; it cannot be combined with --partition, --offset or --from-time");
        }
        if (group != null && group.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--group must not be blank");
        }
        if (start != null && start.offset != null && partition == null) {
            throw new ParameterException(spec.commandLine(), "--offset needs --partition: offsets belong to one partition");
        }
        if (start != null && start.offset != null && start.offset < 0) {
            throw new ParameterException(spec.commandLine(), "--offset must not be negative");
        }
        if (maxRecords != null && maxRecords <= 0) {
            throw new ParameterException(spec.commandLine(), "--max-records must be positive");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new ParameterException(spec.commandLine(), "--idle-timeout must be positive");
        }
    }

    /** Polls and prints until a stop condition; returns the number of records printed. */
    private long printRecords(MiniKafkaConsumer consumer, PrintWriter out) {
        RecordFormat format = new RecordFormat(printOffset, printHeaders, printKey);
        long limit = maxRecords != null ? maxRecords : Long.MAX_VALUE;
        long idleNanos = idleTimeout.toNanos();
        long printed = 0;
        long lastRecordAt = System.nanoTime();
        while (printed < limit) {
            long idleFor = System.nanoTime() - lastRecordAt;
            if (!follow && idleFor >= idleNanos) {
                break;
            }
            long waitMs = follow ? MAX_POLL_MS : Math.max(1, Math.min(MAX_POLL_MS, (idleNanos - idleFor) / 1_000_000));
            List<ConsumerRecord> records = consumer.poll(Duration.ofMillis(waitMs));
            if (records.isEmpty()) {
                continue;
            }
            for (int i = 0; i < records.size() && printed < limit; i++) {
                ConsumerRecord record = records.get(i);
                out.print(format.format(record));
                out.print('\n');
                printed++;
                printedUpTo.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            }
            out.flush();
            if (out.checkError()) {
                break; // stdout is gone (e.g. piped into `head`): nobody is reading any more
            }
            lastRecordAt = System.nanoTime();
        }
        return printed;
    }
}
