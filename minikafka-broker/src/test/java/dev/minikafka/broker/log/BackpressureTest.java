package dev.minikafka.broker.log;

import static dev.minikafka.broker.log.LogTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The partition writer's queue is bounded in bytes: offer refuses past the bound, whenRoom says when to retry. */
class BackpressureTest {

    static final long BOUND = 1000;

    @TempDir
    Path dir;

    final ManualExecutor writerPool = new ManualExecutor();
    PartitionLog log;
    PartitionWriter writer;

    @BeforeEach
    void open() throws Exception {
        log = LogRecovery.open("events-0", dir, LogConfig.defaults(), false, 0);
        writer = new PartitionWriter(log, writerPool, Runnable::run, () -> 0, BOUND);
    }

    @AfterEach
    void close() throws Exception {
        log.close();
    }

    @Test
    void shouldRefuseOffersOncePendingBytesReachTheBound() {
        ByteBuffer first = sizedBatch(0, 550);
        int size = first.remaining();
        Ack a = new Ack();
        Ack b = new Ack();
        Ack c = new Ack();

        assertThat(writer.offer(first, false, a)).isTrue();
        assertThat(writer.pendingBytes()).isEqualTo(size);
        assertThat(writer.offer(sizedBatch(1, 550), false, b)).as("below the bound: taken").isTrue();
        assertThat(writer.pendingBytes()).isEqualTo(2L * size).isGreaterThanOrEqualTo(BOUND);
        assertThat(writer.offer(sizedBatch(2, 10), false, c)).as("at the bound: refused").isFalse();

        assertThat(writer.pendingBytes()).as("a refused offer queues nothing").isEqualTo(2L * size);
        assertThat(c.isDone()).isFalse();
        writerPool.runAll();
        assertThat(a.baseOffset()).isZero();
        assertThat(b.baseOffset()).isEqualTo(1);
        assertThat(c.isDone()).as("a refused append is never acknowledged").isFalse();
        assertThat(log.logEndOffset()).isEqualTo(2);
    }

    @Test
    void shouldTakeOneRequestLargerThanTheBoundIntoAnEmptyQueue() {
        Ack ack = new Ack();

        assertThat(writer.offer(sizedBatch(0, 5000), false, ack)).isTrue();
        assertThat(writer.offer(batch(1, "x"), false, new Ack())).isFalse();

        writerPool.runAll();
        assertThat(ack.baseOffset()).isZero();
        assertThat(writer.pendingBytes()).isZero();
    }

    @Test
    void shouldRunRoomWaitersOnceTheWriterHasDrainedTheQueue() {
        writer.offer(sizedBatch(0, 2000), false, new Ack());
        List<String> events = new ArrayList<>();
        Ack retried = new Ack();
        ByteBuffer refused = batch(1, "retry-me");
        assertThat(writer.offer(refused, false, retried)).isFalse();

        writer.whenRoom(() -> {
            events.add("first waiter at " + writer.pendingBytes());
            assertThat(writer.offer(refused, false, retried)).isTrue();
        });
        writer.whenRoom(() -> events.add("second waiter"));
        assertThat(events).as("no room yet").isEmpty();

        writerPool.runAll();

        assertThat(events).containsExactly("first waiter at 0", "second waiter");
        assertThat(retried.baseOffset()).isEqualTo(1);
        assertThat(values(readAllQuietly())).containsExactly("x".repeat(2000), "retry-me");
    }

    @Test
    void shouldRunARoomWaiterAtOnceWhenThereIsRoom() {
        List<String> events = new ArrayList<>();

        writer.whenRoom(() -> events.add("ran"));

        assertThat(events).containsExactly("ran");
    }

    @Test
    void shouldRunEachRoomWaiterOnlyOnce() {
        writer.offer(sizedBatch(0, 2000), false, new Ack());
        List<String> events = new ArrayList<>();
        writer.whenRoom(() -> events.add("waiter"));
        writerPool.runAll();

        writer.offer(sizedBatch(0, 2000), false, new Ack());
        writerPool.runAll();

        assertThat(events).containsExactly("waiter");
    }

    @Test
    void shouldFailOffersAfterCloseAndReleaseWaitingProducers() {
        writer.offer(sizedBatch(0, 2000), false, new Ack());
        List<String> events = new ArrayList<>();
        writer.whenRoom(() -> events.add("woken"));

        writer.close();

        assertThat(events).containsExactly("woken");
        Ack late = new Ack();
        assertThat(writer.offer(batch(1, "late"), false, late)).as("answered, not queued").isTrue();
        assertThat(late.get().error()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("shutting down").hasMessageContaining("events-0");
        assertThat(late.get().baseOffset()).isEqualTo(-1);
        writerPool.runAll();
        assertThat(log.logEndOffset()).as("what was queued before close is still written").isEqualTo(1);
    }

    @Test
    void shouldFailQueuedAppendsAndFreeTheirBytesWhenThePartitionIsDeleted() {
        Ack a = new Ack();
        Ack b = new Ack();
        writer.offer(batch(0, "a"), false, a);
        writer.offer(batch(1, "b"), true, b);

        writer.failPending(new IllegalStateException("topic 'events' was deleted"));

        assertThat(writer.pendingBytes()).isZero();
        assertThat(a.get().error()).hasMessageContaining("was deleted");
        assertThat(b.get().error()).hasMessageContaining("was deleted");
        writerPool.runAll();
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void shouldCountDurableAppendsAgainstTheBoundUntilTheirFsyncCompletes() throws Exception {
        CountDownLatch fsyncStarted = new CountDownLatch(1);
        CountDownLatch fsyncMayGo = new CountDownLatch(1);
        ExecutorService flusher = Executors.newSingleThreadExecutor();
        Fsync.listener = new Fsync.Listener() {
            @Override
            public void beforeForce(Path file) {
                fsyncStarted.countDown();
                try {
                    fsyncMayGo.await(); // a stalled disk
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void forced(Path file, long lengthCovered) {
            }
        };
        try {
            PartitionWriter durableWriter = new PartitionWriter(log, Runnable::run, flusher, () -> 0, BOUND);
            Ack first = new Ack();
            Ack second = new Ack();
            Ack third = new Ack();
            assertThat(durableWriter.offer(sizedBatch(0, 550), true, first)).isTrue();
            assertThat(fsyncStarted.await(5, TimeUnit.SECONDS)).as("the group commit's fsync started").isTrue();
            assertThat(durableWriter.offer(sizedBatch(1, 550), true, second)).as("below the bound: taken").isTrue();
            assertThat(log.logEndOffset()).as("both written").isEqualTo(2);

            assertThat(durableWriter.offer(sizedBatch(2, 550), true, third))
                    .as("refused while the written DURABLE appends wait for their fsync").isFalse();
            assertThat(durableWriter.pendingBytes()).isGreaterThanOrEqualTo(BOUND);
            List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            ByteBuffer refused = sizedBatch(2, 550);
            durableWriter.whenRoom(() -> {
                events.add("room");
                assertThat(durableWriter.offer(refused, true, third)).isTrue();
            });
            assertThat(events).as("no room during the stall").isEmpty();
            assertThat(first.isDone()).isFalse();

            fsyncMayGo.countDown();

            assertThat(first.baseOffset()).isZero();
            assertThat(second.baseOffset()).isEqualTo(1);
            assertThat(third.baseOffset()).isEqualTo(2);
            assertThat(events).containsExactly("room");
            assertThat(durableWriter.pendingBytes()).isZero();
        } finally {
            Fsync.listener = null;
            fsyncMayGo.countDown();
            flusher.shutdown();
            assertThat(flusher.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    private List<dev.minikafka.protocol.Record> readAllQuietly() {
        try {
            return readAll(log, 0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
