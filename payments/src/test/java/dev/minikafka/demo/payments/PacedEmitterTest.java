package dev.minikafka.demo.payments;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The pacing loop alone (sending costs nothing here): one thread, the set rate, also at high rates. */
class PacedEmitterTest {

    private final AtomicLong emitted = new AtomicLong();

    private double run(double rate, long millis) throws InterruptedException {
        PacedEmitter emitter = new PacedEmitter(() -> emitted.incrementAndGet() > 0, rate, System::nanoTime, "test-emitter");
        long start = System.nanoTime();
        emitter.start();
        Thread.sleep(millis);
        emitter.stop();
        return (System.nanoTime() - start) / 1e9;
    }

    @Test
    void shouldReachFiftyThousandEventsPerSecondWithoutGettingAhead() throws Exception {
        double seconds = run(50_000, 1_000);

        assertThat((double) emitted.get()).isLessThanOrEqualTo(50_000 * seconds + 1)
                .isGreaterThanOrEqualTo(50_000 * seconds * 0.8);
    }

    @Test
    void shouldPaceLowRatesEvenly() throws Exception {
        double seconds = run(20, 1_000);

        assertThat((double) emitted.get()).isLessThanOrEqualTo(20 * seconds + 1).isGreaterThanOrEqualTo(15);
    }

    @Test
    void shouldFollowARateChangeWhileRunning() throws Exception {
        PacedEmitter emitter = new PacedEmitter(() -> emitted.incrementAndGet() > 0, 10, System::nanoTime, "test-emitter");
        emitter.start();
        Thread.sleep(300);
        long atLowRate = emitted.get();
        emitter.setRate(5_000);
        Thread.sleep(500);
        emitter.stop();
        long stoppedAt = emitted.get();
        Thread.sleep(100);

        assertThat(atLowRate).isLessThanOrEqualTo(5);
        assertThat(stoppedAt - atLowRate).isGreaterThan(1_500);
        assertThat(emitted.get()).as("nothing after stop").isEqualTo(stoppedAt);
        assertThat(emitter.isRunning()).isFalse();
    }
}
