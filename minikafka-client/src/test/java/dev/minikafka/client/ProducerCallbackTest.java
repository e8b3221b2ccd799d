package dev.minikafka.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Send callbacks against application code; no broker is needed (records expire unsent). */
class ProducerCallbackTest {

    private static final String NO_BROKER = "127.0.0.1:1";

    private static MiniKafkaProducer producer() {
        return new MiniKafkaProducer(ProducerConfig.builder(NO_BROKER).deliveryTimeout(Duration.ofMillis(300))
                .retryBackoff(Duration.ofMillis(50)).build());
    }

    private static ProducerRecord record() {
        return new ProducerRecord("t", 0, null, null, new byte[10], List.of());
    }

    @Test
    void shouldNotDeadlockWhenACallbackTakesALockHeldByAThreadSendingToTheSamePartition() throws Exception {
        MiniKafkaProducer producer = producer();
        Object applicationLock = new Object();
        CountDownLatch callbackStarted = new CountDownLatch(1);
        CountDownLatch callbackDone = new CountDownLatch(1);
        producer.send(record(), (metadata, error) -> {
            callbackStarted.countDown();
            synchronized (applicationLock) {
                callbackDone.countDown();
            }
        });
        Thread sending = new Thread(() -> {
            synchronized (applicationLock) {
                try {
                    callbackStarted.await();
                } catch (InterruptedException e) {
                    return;
                }
                producer.send(record()); // the same partition the expiring record is in
            }
        });
        sending.setDaemon(true);
        sending.start();

        sending.join(10_000);
        assertThat(sending.isAlive()).as("send() returned while a callback waited for the application lock").isFalse();
        assertThat(callbackDone.await(5, TimeUnit.SECONDS)).as("the callback got the lock").isTrue();
        producer.close(Duration.ofMillis(100));
    }

    @Test
    void shouldKeepSendingAfterACallbackThrowsAnError() throws Exception {
        MiniKafkaProducer producer = producer();
        producer.send(record(), (metadata, error) -> {
            throw new AssertionError("a user bug");
        });
        Thread.sleep(600); // the first record expires, its callback throws
        CompletableFuture<RecordMetadata> later = producer.send(record());

        assertThat(later).failsWithin(5, TimeUnit.SECONDS)
                .withThrowableThat().withMessageContaining("delivery.timeout.ms");
        producer.close(Duration.ofMillis(100));
    }
}
