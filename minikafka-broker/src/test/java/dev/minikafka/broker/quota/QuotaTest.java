package dev.minikafka.broker.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.minikafka.broker.support.BrokerOverLoopback;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.TopicPartition;

/**
 * Quotas against the real broker: rates are measured over a window of seconds from the acks' (or reads')
 * arrival times, so the assertion is about the broker's rate window, not about how fast this machine is.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QuotaTest extends BrokerOverLoopback {

    private static final int QUOTA = 2_000;
    private static final Duration WARM_UP = Duration.ofMillis(500);
    private static final Duration WINDOW = Duration.ofSeconds(3);
    private static final byte[] VALUE = new byte[100];

    @Test
    void aProducerOverItsQuotaIsSlowedToItWhileAnotherClientIsNot() throws Exception {
        admin.createTopic("limited", 2);
        quotas().set(QuotaKind.PRODUCER, "slow-producer", new Quota(QUOTA, 0));
        // The other client is limited too, ten times higher: it must not be held to the first one's quota,
        // and it must not saturate the machine's two cores (broker, both clients and this test share them).
        quotas().set(QuotaKind.PRODUCER, "fast-producer", new Quota(QUOTA * 10L, 0));

        ProducerRun limited = new ProducerRun("slow-producer", "limited");
        ProducerRun free = new ProducerRun("fast-producer", "limited");
        limited.start();
        free.start();
        Thread.sleep(WARM_UP.plus(WINDOW).plusMillis(300).toMillis());
        limited.finish();
        free.finish();

        long start = limited.startedAt + WARM_UP.toNanos();
        double limitedRate = limited.rate(start, start + WINDOW.toNanos());
        double freeRate = free.rate(start, start + WINDOW.toNanos());
        assertThat(limitedRate).as("acked records/s of the producer with a %d/s quota", QUOTA)
                .isCloseTo(QUOTA, within(QUOTA * 0.10));
        assertThat(freeRate).as("acked records/s of the other producer, whose quota is %d/s", QUOTA * 10)
                .isGreaterThan(QUOTA * 2.0);
        assertThat(limited.throttle.throttledResponses()).isPositive();
    }

    @Test
    void aTopicQuotaLimitsAllItsProducersTogether() throws Exception {
        admin.createTopic("capped", 1);
        quotas().set(QuotaKind.TOPIC, "capped", new Quota(QUOTA, 0));

        ProducerRun a = new ProducerRun("writer-a", "capped");
        ProducerRun b = new ProducerRun("writer-b", "capped");
        a.start();
        b.start();
        Thread.sleep(WARM_UP.plus(WINDOW).plusMillis(300).toMillis());
        a.finish();
        b.finish();

        long start = a.startedAt + WARM_UP.toNanos();
        double together = a.rate(start, start + WINDOW.toNanos()) + b.rate(start, start + WINDOW.toNanos());
        assertThat(together).as("acked records/s of both producers of a topic with a %d/s quota", QUOTA)
                .isCloseTo(QUOTA, within(QUOTA * 0.10));
    }

    @Test
    void aConsumerOverItsByteQuotaReadsAtThatRate() throws Exception {
        admin.createTopic("big-reads", 1);
        try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).build())) {
            for (int i = 0; i < 20_000; i++) {
                producer.send(new ProducerRecord("big-reads", 0, null, null, VALUE, List.of()));
            }
            producer.flush();
        }
        long bytesPerSecond = 200_000;
        quotas().set(QuotaKind.CONSUMER, "slow-reader", new Quota(0, bytesPerSecond));

        List<long[]> reads = new ArrayList<>(); // {arrival nanos, value bytes}
        try (MiniKafkaConsumer consumer = new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap)
                .clientId("slow-reader").maxPartitionFetchBytes(16 * 1024).build())) {
            TopicPartition tp = new TopicPartition("big-reads", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = System.nanoTime() + WARM_UP.plus(WINDOW).plusMillis(300).toNanos();
            while (System.nanoTime() < end) {
                List<ConsumerRecord> records = consumer.poll(Duration.ofMillis(100));
                reads.add(new long[] {System.nanoTime(), (long) records.size() * VALUE.length});
            }
        }
        long start = reads.get(0)[0] + WARM_UP.toNanos();
        long bytes = reads.stream().filter(r -> r[0] >= start && r[0] < start + WINDOW.toNanos()).mapToLong(r -> r[1]).sum();
        double rate = bytes / (WINDOW.toNanos() / 1e9);
        // The quota counts whole batches with their headers; the values are ~85% of those bytes.
        assertThat(rate).as("value bytes/s read under a %d bytes/s quota", bytesPerSecond)
                .isBetween(bytesPerSecond * 0.70, bytesPerSecond * 1.10);
    }

    @Test
    void anHttpProducerInDebtIsAnswered429WithRetryAfter() throws Exception {
        admin.createTopic("curl-topic", 1);
        quotas().set(QuotaKind.PRODUCER, "curl-user", new Quota(10, 0));
        HttpClient http = HttpClient.newHttpClient();
        String body = "{\"records\":[" + "{\"value\":\"x\"},".repeat(49) + "{\"value\":\"x\"}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + broker.getEnvironment().getProperty("local.server.port") + "/api/v1/topics/curl-topic/records"))
                .header("Content-Type", "application/json").header("X-Client-Id", "curl-user")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();

        HttpResponse<String> first = http.send(request, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> second = http.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(first.statusCode()).as("a request is admitted, then paid for").isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.body()).contains("over its quota");
        assertThat(Long.parseLong(second.headers().firstValue("Retry-After").orElseThrow())).isBetween(3L, 6L);
        assertThat(admin.latestOffset(new TopicPartition("curl-topic", 0))).as("the refused request wrote nothing")
                .isEqualTo(50);
    }

    private static QuotaManager quotas() {
        return broker.getBean(QuotaManager.class);
    }

    /** One producer sending small records as fast as it can, noting when each ack arrived. */
    private static final class ProducerRun extends Thread {
        private final String clientId;
        private final String topic;
        private final ConcurrentLinkedQueue<Long> acks = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        volatile long startedAt;
        volatile dev.minikafka.client.ProducerThrottle throttle;

        ProducerRun(String clientId, String topic) {
            super("quota-" + clientId);
            this.clientId = clientId;
            this.topic = topic;
        }

        @Override
        public void run() {
            startedAt = System.nanoTime();
            // A small buffer keeps each request small (a held-back producer sends everything it has queued in
            // one request), so one request is a small part of the window and the measured rate is exact.
            try (MiniKafkaProducer producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).clientId(clientId)
                    .batchSize(8 * 1024).bufferMemory(32 * 1024).linger(Duration.ZERO).build())) {
                while (running.get()) {
                    producer.send(new ProducerRecord(topic, null, VALUE)).thenRun(() -> acks.add(System.nanoTime()));
                }
                throttle = producer.throttle();
            }
        }

        void finish() throws InterruptedException {
            running.set(false);
            join(30_000);
        }

        double rate(long fromNanos, long toNanos) {
            long count = acks.stream().filter(t -> t >= fromNanos && t < toNanos).count();
            return count / ((toNanos - fromNanos) / 1e9);
        }
    }
}
