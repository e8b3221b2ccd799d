package dev.minikafka.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.minikafka.client.internal.BufferMemory;
import dev.minikafka.proto.v1.ErrorCode;

/** Closing a producer while sends are under way; no broker is needed (nothing is ever sent). */
class ProducerCloseTest {

    private static final String NO_BROKER = "127.0.0.1:1";

    @Test
    void shouldFailASendThatWasBlockedInBufferMemoryWhenTheProducerClosed() throws Exception {
        ProducerConfig config = ProducerConfig.builder(NO_BROKER).bufferMemory(64 * 1024)
                .maxBlock(Duration.ofSeconds(60)).build();
        MiniKafkaProducer producer = new MiniKafkaProducer(config);
        BufferMemory memory = producer.memory();
        long all = memory.available();
        assertThat(memory.reserve((int) all, 0)).isTrue(); // as if unacknowledged records held it all

        AtomicReference<CompletableFuture<RecordMetadata>> future = new AtomicReference<>();
        Thread sending = new Thread(() -> future.set(producer.send(
                new ProducerRecord("t", 0, null, null, new byte[10], List.of()))));
        sending.setDaemon(true);
        sending.start();
        awaitBlocked(sending);

        producer.close(Duration.ofSeconds(5)); // nothing queued: the sender stops at once
        memory.release(all);
        sending.join(5_000);

        assertThat(future.get()).isNotNull();
        assertThatThrownBy(() -> future.get().get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(MiniKafkaException.class).hasMessageContaining("the producer is closed")
                .satisfies(e -> assertThat(((MiniKafkaException) e).code()).isEqualTo(ErrorCode.BROKER_UNAVAILABLE));
        assertThat(memory.available()).isEqualTo(all);
    }

    private static void awaitBlocked(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (thread.getState() != Thread.State.TIMED_WAITING && thread.getState() != Thread.State.WAITING) {
            assertThat(System.nanoTime() - deadline).as("the send blocks in buffer.memory").isNegative();
            Thread.sleep(5);
        }
    }
}
