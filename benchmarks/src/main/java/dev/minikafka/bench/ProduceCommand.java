package dev.minikafka.bench;

import dev.minikafka.client.Acks;
import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.TopicInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Producer throughput and ack latency: K threads send N records of a fixed size through one or more shared
 * producers, optionally paced to a total rate. Ack latency is send call to callback, so it includes the
 * producer's linger and batching as an application sees them.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Send records as fast as possible (or at --rate) and report throughput and ack latency.")
final class ProduceCommand implements Callable<Integer> {

    /**
     * A paced thread sends the records due in each millisecond together (see {@link Pacer}): the offered rate
     * is the same, the threads wake a thousand times a second instead of once per record.
     */
    private static final Duration PACING_TICK = Duration.ofMillis(1);

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--partitions", defaultValue = "8",
            description = "Partitions to create the topic with if it is absent (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--records", defaultValue = "1000000", description = "Records to send (default: ${DEFAULT-VALUE}).")
    long records;

    @Option(names = "--record-size", defaultValue = "100", description = "Value bytes per record (default: ${DEFAULT-VALUE}).")
    int recordSize;

    @Option(names = "--acks", defaultValue = "LEADER",
            description = "NONE, LEADER or DURABLE (default: ${DEFAULT-VALUE}).")
    Acks acks;

    @Option(names = "--threads", defaultValue = "1", description = "Sending threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--producers", defaultValue = "1",
            description = "Producer instances the threads share round-robin, 1..threads (default: ${DEFAULT-VALUE}).")
    int producers;

    @Option(names = "--rate", defaultValue = "0",
            description = "Target records/s over all threads; 0 = unlimited (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--linger-ms", defaultValue = "5", description = "Producer linger.ms (default: ${DEFAULT-VALUE}).")
    long lingerMs;

    @Option(names = "--batch-size", defaultValue = "65536", description = "Producer batch size in bytes (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--idempotence", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Idempotent producers (producer id and sequence numbers; the client's default); "
                    + "--no-idempotence turns it off (default: ${DEFAULT-VALUE}).")
    boolean idempotence;

    @Option(names = "--warmup-records", defaultValue = "0",
            description = "Records sent before measuring, not counted (default: ${DEFAULT-VALUE}).")
    long warmupRecords;

    @Override
    public Integer call() {
        validate();
        long deadline = System.nanoTime() + common.timeout.toNanos();
        TopicInfo topic = BrokerSetup.ensureTopic(common.bootstrap, common.security(), common.topic, partitions, common.timeout);
        byte[] value = payload(recordSize);
        List<MiniKafkaProducer> clients = new ArrayList<>(producers);
        try {
            for (int i = 0; i < producers; i++) {
                clients.add(new MiniKafkaProducer(producerConfig()));
            }
            if (warmupRecords > 0) {
                Phase warmup = runPhase(clients, value, warmupRecords, null, deadline);
                if (warmup.timedOut || warmup.counters.failedCount() > 0) {
                    System.err.printf("the warm-up did not complete: %,d of %,d records acknowledged; nothing measured%n",
                            warmup.counters.ackedCount(), warmupRecords);
                    return LoadGenerator.outcome(warmup.counters.failedCount(), warmup.counters.firstError(), true);
                }
            }
            LatencyRecorder latencies = new LatencyRecorder();
            long start = System.nanoTime();
            Phase phase = runPhase(clients, value, records, latencies, deadline);
            long elapsed = phase.endNanos - start;
            SendCounters counters = phase.counters;
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("sent", counters.sentCount());
            details.put("acked", counters.ackedCount());
            Report report = Report.of("produce", parameters(topic.partitionCount()), counters.ackedCount(),
                    counters.ackedCount() * recordSize, elapsed, latencies.summary(), counters.failedCount(),
                    phase.timedOut, details);
            report.print(System.out, common.json);
            return LoadGenerator.outcome(counters.failedCount(), counters.firstError(), phase.timedOut);
        } catch (MiniKafkaException e) {
            throw BrokerSetup.translate(e, common.bootstrap, common.topic, "producing to " + common.topic + " failed");
        } finally {
            // One 5 s allowance for all of them, so 16 stuck producers do not add 80 s after the deadline.
            long closeBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (MiniKafkaProducer client : clients) {
                LoadGenerator.closeQuietly(() -> client.close(Duration.ofNanos(Math.max(0, closeBy - System.nanoTime()))));
            }
        }
    }

    private record Phase(SendCounters counters, long endNanos, boolean timedOut) {
    }

    /** Sends {@code total} records over the threads and waits until every send has completed. */
    private Phase runPhase(List<MiniKafkaProducer> clients, byte[] value, long total, LatencyRecorder latencies,
                           long deadline) {
        SendCounters counters = new SendCounters();
        List<ProduceWorker> workers = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            Pacer pacer = Pacer.of(rate > 0 ? (double) rate / threads : 0, PACING_TICK);
            workers.add(new ProduceWorker(clients.get(i % clients.size()), common.topic, value,
                    Workers.share(total, threads, i), pacer, deadline, latencies, counters));
        }
        boolean finished = Workers.runAll("bench-producer", workers, deadline);
        boolean drained = Workers.awaitUntil(() -> counters.outstanding() == 0, deadline);
        long end = System.nanoTime();
        return new Phase(counters, end, !finished || !drained || counters.sentCount() < total);
    }

    private ProducerConfig producerConfig() {
        long maxBlockMs = Math.min(60_000, common.timeout.toMillis());
        return ProducerConfig.builder(common.bootstrap).security(common.security())
                .acks(acks)
                .linger(Duration.ofMillis(lingerMs))
                .batchSize(batchSize)
                .idempotence(idempotence)
                .maxBlock(Duration.ofMillis(maxBlockMs))
                .build();
    }

    private Map<String, Object> parameters(int actualPartitions) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("bootstrap", common.bootstrap);
        p.put("topic", common.topic);
        p.put("partitions", actualPartitions);
        p.put("records", records);
        p.put("recordSize", recordSize);
        p.put("acks", acks.name());
        p.put("threads", threads);
        p.put("producers", producers);
        p.put("rate", rate);
        p.put("lingerMs", lingerMs);
        p.put("batchSize", batchSize);
        p.put("idempotence", idempotence);
        p.put("warmupRecords", warmupRecords);
        return p;
    }

    void validate() {
        Validation v = new Validation(spec);
        common.validate(v);
        v.require(partitions >= 1, "--partitions must be at least 1");
        v.require(records >= 1, "--records must be at least 1");
        v.require(recordSize >= 0, "--record-size must not be negative");
        v.require(threads >= 1, "--threads must be at least 1");
        v.require(producers >= 1 && producers <= threads, "--producers must be between 1 and --threads");
        v.require(rate >= 0, "--rate must not be negative (0 = unlimited)");
        v.require(lingerMs >= 0, "--linger-ms must not be negative");
        v.require(batchSize >= 1, "--batch-size must be at least 1");
        v.require(warmupRecords >= 0, "--warmup-records must not be negative");
    }

    /** Random bytes, so a compressing store or transport cannot flatter the numbers. */
    static byte[] payload(int size) {
        byte[] bytes = new byte[size];
        SplittableRandom random = new SplittableRandom(size);
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }
}
