package dev.minikafka.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class BufferMemoryTest {

    @Test
    void reservesUntilFullThenTimesOut() throws Exception {
        BufferMemory memory = new BufferMemory(1000);
        assertThat(memory.reserve(600, 0)).isTrue();
        assertThat(memory.reserve(400, 0)).isTrue();
        assertThat(memory.available()).isZero();
        assertThat(memory.reserve(1, TimeUnit.MILLISECONDS.toNanos(20))).isFalse();
    }

    @Test
    void aWaitingReserveProceedsWhenMemoryIsReleased() throws Exception {
        BufferMemory memory = new BufferMemory(100);
        memory.reserve(100, 0);
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return memory.reserve(60, TimeUnit.SECONDS.toNanos(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        assertThat(waiting).isNotDone();
        memory.release(60);
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(memory.available()).isZero();
    }
}
