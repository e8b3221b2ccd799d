package dev.minikafka.broker.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.minikafka.broker.support.ChildBroker;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.RecordMetadata;
import dev.minikafka.client.TopicPartition;

/**
 * A producer flood from 32 connections at no rate limit against a broker in its own JVM with a 256 MiB heap,
 * for {@code -Dminikafka.overload.seconds} (20 by default; 60 for the full minute): the broker never runs out
 * of memory (it would exit: {@code -XX:+ExitOnOutOfMemoryError}), its heap stays under the cap and its
 * pending-append queues under their bound, producers are slowed by flow control, every ack is true (the
 * record at the acknowledged offset is the one acknowledged), and admin (gRPC and REST) and fetch requests
 * are answered throughout.
 */
@Timeout(value = 900, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OverloadTest {

    private static final String TOPIC = "flood";
    private static final int PARTITIONS = 4;
    private static final int PRODUCERS = 32;
    private static final int RECORD_BYTES = 200;
    private static final long HEAP_CAP = 256L * 1024 * 1024;
    /** The broker's default pending-append bound per partition, plus one request over it (a soft bound). */
    private static final long PENDING_BOUND = PARTITIONS * (8L + 1) * 1024 * 1024;
    /** Generous: the machine is shared, and the point is "answered", not "fast". */
    private static final long ANSWER_BOUND_MS = 30_000;

    @TempDir
    Path dir;

    @Test
    void aProducerFloodIsSlowedNotFatalAndAdminAndFetchAreAnsweredThroughout() throws Exception {
        long floodSeconds = Long.getLong("minikafka.overload.seconds", 20);
        try (ChildBroker broker = ChildBroker.start(dir.resolve("data"), "256m")) {
            try (MiniKafkaAdmin admin = new MiniKafkaAdmin(broker.bootstrap())) {
                admin.createTopic(TOPIC, PARTITIONS);
            }
            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicLong failedSends = new AtomicLong();
            AtomicLong blockedInSendNanos = new AtomicLong();
            List<Acks> acks = new ArrayList<>();
            List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                Acks producerAcks = new Acks(p);
                acks.add(producerAcks);
                Thread thread = new Thread(() -> flood(broker.bootstrap(), producerAcks, flooding, failedSends, blockedInSendNanos),
                        "flood-" + p);
                producers.add(thread);
            }
            try (Probe probe = new Probe(broker)) {
                producers.forEach(Thread::start);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(floodSeconds);
                while (System.nanoTime() < end && broker.isAlive()) {
                    probe.once();
                    Thread.sleep(500);
                }
                flooding.set(false);
                for (Thread thread : producers) {
                    thread.join(120_000);
                }
                probe.once();
                long backpressured = (long) probe.metric("minikafka.produce.backpressure", "");

                long acked = acks.stream().mapToLong(Acks::count).sum();
                System.out.printf("%n== Overload: %d producers for %d s against a 256 MiB broker ==%n"
                        + "   acked %d records (%d/s), failed sends %d, produce requests that waited for queue room %d,"
                        + " producers blocked in send() %d ms in total%n"
                        + "   max heap used %d MiB, max pending bytes %d KiB; probes %d, slowest answer: ListTopics %d ms,"
                        + " REST topics %d ms, fetch %d ms%n",
                        PRODUCERS, floodSeconds, acked, acked / floodSeconds, failedSends.get(), backpressured,
                        blockedInSendNanos.get() / 1_000_000, probe.maxHeap / (1024 * 1024), probe.maxPending / 1024,
                        probe.rounds, probe.slowestListTopicsMs, probe.slowestRestMs, probe.slowestFetchMs);

                assertThat(broker.isAlive()).as("the broker is alive (an OutOfMemoryError would have ended it)").isTrue();
                assertThat(broker.output()).doesNotContain("OutOfMemoryError");
                assertThat(probe.failures).as("every probe was answered").isEmpty();
                assertThat(probe.maxHeap).isPositive().isLessThan(HEAP_CAP);
                assertThat(probe.maxPending).as("pending appends stay under their bound").isLessThan(PENDING_BOUND);
                assertThat(Math.max(probe.slowestListTopicsMs, Math.max(probe.slowestRestMs, probe.slowestFetchMs)))
                        .as("admin and fetch answered within a generous bound throughout").isLessThan(ANSWER_BOUND_MS);
                assertThat(backpressured + blockedInSendNanos.get()).as("producers were slowed by flow control").isPositive();
                assertThat(failedSends.get()).as("no send failed: the flood waits, it is not refused").isZero();
                assertThat(acked).isPositive();
                everyAckIsTrue(broker.bootstrap(), acks);
            }
        }
    }

    /** What one producer was acknowledged: per partition, the offset of each of its sequence numbers. */
    private static final class Acks {
        final int producer;
        long[] partitionAndOffset = new long[1 << 16];
        int count;

        Acks(int producer) {
            this.producer = producer;
        }

        synchronized void add(long seq, int partition, long offset) {
            if (seq >= partitionAndOffset.length) {
                partitionAndOffset = Arrays.copyOf(partitionAndOffset, partitionAndOffset.length * 2);
            }
            partitionAndOffset[(int) seq] = (long) partition << 56 | offset;
            count = Math.max(count, (int) seq + 1);
        }

        synchronized int count() {
            return count;
        }

        synchronized long get(int seq) {
            return partitionAndOffset[seq];
        }
    }

    private static void flood(String bootstrap, Acks acks, AtomicBoolean flooding, AtomicLong failed, AtomicLong blockedNanos) {
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap)
                .bufferMemory(4L * 1024 * 1024).build())) {
            long seq = 0;
            while (flooding.get()) {
                long id = seq++;
                byte[] value = new byte[RECORD_BYTES];
                ByteBuffer.wrap(value).putInt(acks.producer).putLong(id);
                long start = System.nanoTime();
                producer.send(new ProducerRecord(TOPIC, value), (RecordMetadata metadata, Exception error) -> {
                    if (error != null) {
                        failed.incrementAndGet();
                    } else {
                        acks.add(id, metadata.partition(), metadata.offset());
                    }
                });
                long took = System.nanoTime() - start;
                if (took > TimeUnit.MILLISECONDS.toNanos(1)) {
                    blockedNanos.addAndGet(took); // send() waited for buffer room: the broker is holding back
                }
            }
            producer.flush();
        }
    }

    /** Reads every partition back once and checks that each acknowledged offset holds what was acknowledged. */
    private static void everyAckIsTrue(String bootstrap, List<Acks> acks) {
        long[][] expected = new long[PARTITIONS][];
        long[] ends = new long[PARTITIONS];
        try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap)) {
            for (int p = 0; p < PARTITIONS; p++) {
                ends[p] = admin.latestOffset(new TopicPartition(TOPIC, p));
                expected[p] = new long[(int) ends[p]];
                Arrays.fill(expected[p], -1);
            }
        }
        long checked = 0;
        for (Acks producer : acks) {
            for (int seq = 0; seq < producer.count(); seq++) {
                long packed = producer.get(seq);
                int partition = (int) (packed >>> 56);
                long offset = packed & 0x00FF_FFFF_FFFF_FFFFL;
                assertThat(offset).as("acked offset below the log end").isLessThan(ends[partition]);
                expected[partition][(int) offset] = (long) producer.producer << 40 | seq;
                checked++;
            }
        }
        for (int p = 0; p < PARTITIONS; p++) {
            TopicPartition tp = new TopicPartition(TOPIC, p);
            try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap).build())) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long next = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (next < ends[p] && System.nanoTime() < deadline) {
                    for (ConsumerRecord record : consumer.poll(Duration.ofMillis(200))) {
                        assertThat(record.offset()).as("offsets are dense").isEqualTo(next);
                        ByteBuffer value = ByteBuffer.wrap(record.value());
                        long actual = (long) value.getInt() << 40 | value.getLong();
                        if (expected[p][(int) next] >= 0) {
                            assertThat(actual).as("the record at acknowledged offset %s-%d", tp, next).isEqualTo(expected[p][(int) next]);
                        }
                        next++;
                    }
                }
                assertThat(next).as("read all of %s", tp).isEqualTo(ends[p]);
            }
        }
        System.out.printf("   %d acknowledgements checked against the log%n", checked);
    }

    /** Asks the broker for its heap, its queues, its topics and a fetch, timing each answer. */
    private static final class Probe implements AutoCloseable {
        private static final Pattern VALUE = Pattern.compile("\"statistic\":\"VALUE\",\"value\":([0-9.Ee+-]+)");
        private static final Pattern COUNT = Pattern.compile("\"statistic\":\"COUNT\",\"value\":([0-9.Ee+-]+)");
        private final ChildBroker broker;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        private final MiniKafkaAdmin admin;
        private final MiniKafkaConsumer fetcher;
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        long maxHeap;
        long maxPending;
        long slowestListTopicsMs;
        long slowestRestMs;
        long slowestFetchMs;
        int rounds;

        Probe(ChildBroker broker) {
            this.broker = broker;
            this.admin = new MiniKafkaAdmin(broker.bootstrap(), Duration.ofSeconds(30));
            this.fetcher = new MiniKafkaConsumer(ConsumerConfig.builder(broker.bootstrap())
                    .requestTimeout(Duration.ofSeconds(30)).build());
            fetcher.assign(List.of(new TopicPartition(TOPIC, 0)));
        }

        void once() {
            rounds++;
            try {
                long start = System.nanoTime();
                assertThat(admin.listTopicNames()).contains(TOPIC);
                slowestListTopicsMs = Math.max(slowestListTopicsMs, (System.nanoTime() - start) / 1_000_000);

                start = System.nanoTime();
                HttpResponse<String> topics = get("/api/v1/topics");
                slowestRestMs = Math.max(slowestRestMs, (System.nanoTime() - start) / 1_000_000);
                assertThat(topics.statusCode()).isEqualTo(200);

                start = System.nanoTime();
                fetcher.poll(Duration.ofMillis(100));
                slowestFetchMs = Math.max(slowestFetchMs, (System.nanoTime() - start) / 1_000_000 - 100);

                maxHeap = Math.max(maxHeap, (long) metric("jvm.memory.used", "?tag=area:heap"));
                maxPending = Math.max(maxPending, (long) metric("minikafka.partition.pending.bytes", ""));
            } catch (Exception | AssertionError e) {
                failures.add(e.toString());
            }
        }

        @Override
        public void close() {
            fetcher.close();
            admin.close();
        }

        double metric(String name, String query) throws Exception {
            String body = get("/actuator/metrics/" + name + query).body();
            Matcher matcher = VALUE.matcher(body);
            if (!matcher.find()) {
                matcher = COUNT.matcher(body);
                assertThat(matcher.find()).as(name + ": " + body).isTrue();
            }
            return Double.parseDouble(matcher.group(1));
        }

        private HttpResponse<String> get(String path) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create(broker.http() + path)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
