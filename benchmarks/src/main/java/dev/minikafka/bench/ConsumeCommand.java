package dev.minikafka.bench;

import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.PartitionInfo;
import dev.minikafka.client.TopicInfo;
import dev.minikafka.client.TopicPartition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Consumer throughput: the topic's partitions split over K threads, each with its own consumer reading from
 * the beginning. Without {@code --records} it reads what the topic held when the run started. With
 * {@code --group}, the K consumers are members of a consumer group instead: the broker assigns the
 * partitions and each member auto-commits, so the cost of group membership and commits shows.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = "Read a topic from the beginning and report throughput.")
final class ConsumeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--records", defaultValue = "0",
            description = "Records to read over all threads; 0 = up to the end offsets at start (default: ${DEFAULT-VALUE}).")
    long records;

    @Option(names = "--threads", defaultValue = "1",
            description = "Consumer threads, at most one per partition (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--partition-max-bytes", defaultValue = "1048576",
            description = "Bytes fetched per partition per request (default: ${DEFAULT-VALUE}).")
    int partitionMaxBytes;

    @Option(names = "--group",
            description = "Read as members of this consumer group (one per thread; use a new group name per run,"
                    + " as a group resumes from its committed offsets).")
    String group;

    @Option(names = "--auto-commit-interval", defaultValue = "1s", converter = DurationConverter.class,
            description = "With --group: how often members commit (default: ${DEFAULT-VALUE}).")
    java.time.Duration autoCommitInterval;

    @Override
    public Integer call() {
        validate();
        long deadline = System.nanoTime() + common.timeout.toNanos();
        TopicInfo topic = BrokerSetup.describeTopic(common.bootstrap, common.security(), common.topic, common.timeout);
        int workerCount = Math.min(threads, topic.partitionCount());
        List<Map<TopicPartition, Long>> shares = new ArrayList<>();
        for (int i = 0; i < workerCount; i++) {
            shares.add(new LinkedHashMap<>());
        }
        long available = 0;
        long[] endByPartition = new long[topic.partitionCount()];
        for (PartitionInfo p : topic.partitions()) {
            shares.get(p.partition() % workerCount).put(new TopicPartition(common.topic, p.partition()), p.logEndOffset());
            available += p.logEndOffset() - p.logStartOffset();
            endByPartition[p.partition()] = p.logEndOffset();
        }
        if (records == 0 && available == 0) {
            System.err.printf("note: topic %s is empty; nothing to read (produce to it first)%n", common.topic);
        }
        ConsumerConfig config = ConsumerConfig.builder(common.bootstrap).security(common.security())
                .maxPartitionFetchBytes(partitionMaxBytes)
                .autoCommitInterval(autoCommitInterval)
                .build();
        AtomicLong consumed = new AtomicLong();
        LongAdder bytes = new LongAdder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Runnable> workers = new ArrayList<>();
        List<java.util.function.BooleanSupplier> completions = new ArrayList<>();
        for (Map<TopicPartition, Long> share : shares) {
            if (group == null) {
                ConsumeWorker worker = new ConsumeWorker(config, share, records, endByPartition, consumed, bytes, deadline, failure);
                workers.add(worker);
                completions.add(worker::completed);
            } else {
                GroupConsumeWorker worker = new GroupConsumeWorker(config, common.topic, group,
                        records > 0 ? records : available, records > 0 ? null : endByPartition, consumed, bytes, deadline, failure);
                workers.add(worker);
                completions.add(worker::completed);
            }
        }
        long start = System.nanoTime();
        boolean finished = Workers.runAll("bench-consumer", workers, deadline);
        long elapsed = System.nanoTime() - start;
        Throwable error = failure.get();
        if (error instanceof MiniKafkaException e && consumed.get() == 0) {
            throw BrokerSetup.translate(e, common.bootstrap, common.topic, "consuming " + common.topic + " failed");
        }
        boolean timedOut = error == null && (!finished || !completions.stream().allMatch(java.util.function.BooleanSupplier::getAsBoolean));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("availableAtStart", available);
        Report report = Report.of("consume", parameters(topic.partitionCount(), workerCount), consumed.get(),
                bytes.sum(), elapsed, null, error == null ? 0 : 1, timedOut, details);
        report.print(System.out, common.json);
        return LoadGenerator.outcome(error == null ? 0 : 1, error, timedOut);
    }

    private Map<String, Object> parameters(int partitions, int workerCount) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("bootstrap", common.bootstrap);
        p.put("topic", common.topic);
        p.put("partitions", partitions);
        p.put("records", records);
        p.put("threads", workerCount);
        p.put("partitionMaxBytes", partitionMaxBytes);
        if (group != null) {
            p.put("group", group);
            p.put("autoCommitInterval", autoCommitInterval.toString());
        }
        return p;
    }

    void validate() {
        Validation v = new Validation(spec);
        common.validate(v);
        v.require(records >= 0, "--records must not be negative (0 = up to the end offsets at start)");
        v.require(threads >= 1, "--threads must be at least 1");
        v.require(partitionMaxBytes >= 1, "--partition-max-bytes must be at least 1");
        v.require(group == null || !group.isBlank(), "--group must not be blank");
        v.require(!autoCommitInterval.isNegative() && !autoCommitInterval.isZero(), "--auto-commit-interval must be positive");
    }
}
