package dev.minikafka.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.minikafka.client.Acks;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.TopicInfo;
import dev.minikafka.client.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * End-to-end latency: one thread produces stamped records at a fixed rate while a consumer in the same JVM
 * reads them back; latency is consumer receipt minus the producer's {@code nanoTime} at send, so it covers
 * the producer's batching, the broker's append, the fetch long-poll and decoding.
 */
@Command(name = "e2e", mixinStandardHelpOptions = true,
        description = "Produce at a fixed rate, consume in the same process, and report end-to-end latency.")
final class EndToEndCommand implements Callable<Integer> {

    private static final long READY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long SEND_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--partitions", defaultValue = "8",
            description = "Partitions to create the topic with if it is absent (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--rate", defaultValue = "10000", description = "Records/s to produce (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--duration", defaultValue = "20s", converter = DurationConverter.class,
            description = "How long to produce, warm-up included (default: ${DEFAULT-VALUE}).")
    Duration duration;

    // At 10,000 records/s this JVM's own C2 compiler is busy for about ten seconds (gRPC, Netty and protobuf
    // reach their thresholds slowly at that rate); on two cores a shorter warm-up measures that compiler
    // taking CPU from the broker, not the broker (docs/benchmarks.md, "The e2e warm-up").
    @Option(names = "--warmup", defaultValue = "10s", converter = DurationConverter.class,
            description = "The first part of the run, not measured (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--record-size", defaultValue = "100",
            description = "Value bytes per record, at least " + Stamp.SIZE + " (default: ${DEFAULT-VALUE}).")
    int recordSize;

    @Option(names = "--acks", defaultValue = "LEADER", description = "NONE, LEADER or DURABLE (default: ${DEFAULT-VALUE}).")
    Acks acks;

    @Option(names = "--linger-ms", defaultValue = "0", description = "Producer linger.ms (default: ${DEFAULT-VALUE}).")
    long lingerMs;

    @Option(names = "--idempotence", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Idempotent producer (the client's default); --no-idempotence turns it off "
                    + "(default: ${DEFAULT-VALUE}).")
    boolean idempotence;

    @Override
    public Integer call() throws InterruptedException {
        validate();
        TopicInfo topic = BrokerSetup.ensureTopic(common.bootstrap, common.security(), common.topic, partitions, common.timeout);
        List<TopicPartition> all = topic.partitions().stream()
                .map(p -> new TopicPartition(common.topic, p.partition())).toList();
        long runId = ThreadLocalRandom.current().nextLong();
        LatencyRecorder latencies = new LatencyRecorder();
        ConsumerConfig consumerConfig = ConsumerConfig.builder(common.bootstrap).security(common.security()).build();
        long start = System.nanoTime();
        long deadline = start + common.timeout.toNanos();
        DeliveryLedger ledger = new DeliveryLedger();
        EndToEndConsumer consumer = new EndToEndConsumer(consumerConfig, all, runId, latencies, ledger);
        Thread reader = new Thread(consumer, "bench-e2e-consumer");
        reader.setDaemon(true);
        reader.start();
        awaitReady(consumer, deadline);

        SendCounters counters = new SendCounters();
        long producerStart = System.nanoTime();
        consumer.measureFrom(producerStart + warmup.toNanos());
        long end = producerStart + duration.toNanos();
        MiniKafkaProducer producer = newProducer();
        EndToEndProducer writer = new EndToEndProducer(producer, common.topic, recordSize, runId, Pacer.of(rate), end, counters,
                ledger);
        boolean keptUp;
        boolean drained;
        try {
            // A writer still sending overdue records this long after --duration has fallen behind --rate.
            keptUp = Workers.runAll("bench-e2e-producer", List.of(writer), Math.min(end + SEND_GRACE_NANOS, deadline));
            drained = Workers.awaitUntil(() -> counters.outstanding() == 0, deadline);
        } finally {
            LoadGenerator.closeQuietly(() -> producer.close(CLOSE_TIMEOUT));
        }
        if (!keptUp) {
            System.err.printf("note: the producer fell behind --rate %d and was stopped after sending %,d records%n",
                    rate, counters.sentCount());
        }
        // Give the consumer until every acknowledged record has arrived, bounded by --timeout.
        boolean complete = Workers.awaitUntil(
                () -> ledger.missing() == 0 || consumer.failure() != null, deadline)
                && consumer.failure() == null;
        long elapsed = System.nanoTime() - start;
        consumer.stop();
        reader.join(5_000);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("sent", counters.sentCount());
        details.put("acked", counters.ackedCount());
        details.put("received", consumer.received());
        details.put("measured", consumer.measured());
        details.put("missing", ledger.missing());
        details.put("duplicates", ledger.duplicates());
        details.put("maxSendLagMs", Math.round(writer.maxLagNanos() / 1_000.0) / 1_000.0);
        if (consumer.failure() != null) {
            System.err.println("consumer failed: " + consumer.failure().getMessage());
        }
        long errors = counters.failedCount() + (consumer.failure() == null ? 0 : 1);
        boolean timedOut = !keptUp || !drained || !complete;
        Report report = Report.of("e2e", parameters(all.size()), consumer.received(), consumer.received() * recordSize,
                elapsed, latencies.summary(), errors, timedOut && consumer.failure() == null, details);
        report.print(System.out, common.json);
        return LoadGenerator.outcome(errors, counters.firstError(), timedOut);
    }

    /** Waits until the reader sits at the end of every partition, so that it sees every record sent. */
    private void awaitReady(EndToEndConsumer consumer, long deadline) throws InterruptedException {
        long wait = Math.min(READY_TIMEOUT_NANOS, deadline - System.nanoTime());
        boolean ready = consumer.ready().await(wait, TimeUnit.NANOSECONDS);
        if (consumer.failure() != null) {
            throw BrokerSetup.translate(consumer.failure(), common.bootstrap, common.topic, "reading " + common.topic + " failed");
        }
        if (!ready) {
            consumer.stop();
            throw new BenchException(ExitCodes.INCOMPLETE, "the consumer was not at the end of " + common.topic
                    + " within " + TimeUnit.NANOSECONDS.toSeconds(wait) + " s; nothing was produced");
        }
    }

    private MiniKafkaProducer newProducer() {
        try {
            return new MiniKafkaProducer(ProducerConfig.builder(common.bootstrap).security(common.security())
                    .acks(acks).linger(Duration.ofMillis(lingerMs)).idempotence(idempotence).build());
        } catch (MiniKafkaException e) {
            throw BrokerSetup.translate(e, common.bootstrap, common.topic, "producing to " + common.topic + " failed");
        }
    }

    private Map<String, Object> parameters(int actualPartitions) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("bootstrap", common.bootstrap);
        p.put("topic", common.topic);
        p.put("partitions", actualPartitions);
        p.put("rate", rate);
        p.put("durationMs", duration.toMillis());
        p.put("warmupMs", warmup.toMillis());
        p.put("recordSize", recordSize);
        p.put("acks", acks.name());
        p.put("lingerMs", lingerMs);
        p.put("idempotence", idempotence);
        return p;
    }

    void validate() {
        Validation v = new Validation(spec);
        common.validate(v);
        v.require(partitions >= 1, "--partitions must be at least 1");
        v.require(rate >= 1, "--rate must be at least 1");
        v.require(!duration.isNegative() && !duration.isZero(), "--duration must be positive");
        v.require(!warmup.isNegative() && warmup.compareTo(duration) < 0, "--warmup must be shorter than --duration");
        v.require(recordSize >= Stamp.SIZE, "--record-size must be at least " + Stamp.SIZE + " (the stamp)");
        v.require(lingerMs >= 0, "--linger-ms must not be negative");
        v.require(common.timeout.compareTo(duration) > 0, "--timeout must be longer than --duration");
    }
}
