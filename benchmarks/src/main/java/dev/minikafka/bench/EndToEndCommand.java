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
        EndToEndConsumer consumer = new EndToEndConsumer(consumerConfig, all, runId, latencies);
        Thread reader = new Thread(consumer, "bench-e2e-consumer");
        reader.setDaemon(true);
        reader.start();
        consumer.ready().await(30, TimeUnit.SECONDS);
        SendCounters counters = new SendCounters();
        long producerStart = System.nanoTime();
        consumer.measureFrom(producerStart + warmup.toNanos());
        long end = producerStart + duration.toNanos();
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(common.bootstrap).security(common.security())
                .acks(acks).linger(Duration.ofMillis(lingerMs)).idempotence(idempotence).build())) {
            Workers.runAll("bench-e2e-producer",
                    List.of(new EndToEndProducer(producer, common.topic, recordSize, runId, Pacer.of(rate), end, counters)),
                    end + TimeUnit.SECONDS.toNanos(5));
            producer.flush();
        } catch (MiniKafkaException e) {
            throw BrokerSetup.translate(e, common.bootstrap, common.topic, "producing to " + common.topic + " failed");
        }
        // Give the consumer until every acknowledged record has arrived, bounded by --timeout.
        long deadline = start + common.timeout.toNanos();
        boolean complete = Workers.awaitUntil(() -> consumer.received() >= counters.ackedCount(), deadline);
        long elapsed = System.nanoTime() - start;
        consumer.stop();
        reader.join(5_000);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("sent", counters.sentCount());
        details.put("acked", counters.ackedCount());
        details.put("received", consumer.received());
        details.put("measured", consumer.measured());
        details.put("missing", Math.max(0, counters.ackedCount() - consumer.received()));
        if (consumer.failure() != null) {
            System.err.println("consumer failed: " + consumer.failure().getMessage());
        }
        long errors = counters.failedCount() + (consumer.failure() == null ? 0 : 1);
        Report report = Report.of("e2e", parameters(all.size()), consumer.received(), consumer.received() * recordSize,
                elapsed, latencies.summary(), errors, !complete, details);
        report.print(System.out, common.json);
        return LoadGenerator.outcome(errors, counters.firstError(), !complete);
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
