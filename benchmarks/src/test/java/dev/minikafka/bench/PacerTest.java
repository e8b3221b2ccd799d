package dev.minikafka.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PacerTest {

    /** A clock that jumps to whatever deadline the pacer waits for, so the test takes no time. */
    private final AtomicLong now = new AtomicLong(1_000);
    private final Pacer.Waiter jump = (deadline, clock) -> now.accumulateAndGet(deadline, Math::max);

    @Test
    void issuesPermitsOnAnAbsoluteSchedule() {
        Pacer pacer = Pacer.of(1_000, Duration.ZERO, now::get, jump); // one per millisecond
        pacer.restart();
        assertThat(pacer.acquire()).isEqualTo(1_000);
        assertThat(pacer.acquire()).isEqualTo(1_001_000);
        assertThat(pacer.acquire()).isEqualTo(2_001_000);
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anInterruptedSenderStopsWaitingForItsNextPermit() {
        Pacer pacer = Pacer.of(0.01); // the second permit is due in 100 s
        pacer.restart();
        pacer.acquire();
        Thread.currentThread().interrupt(); // as Workers.runAll does to a sender still running at the deadline
        try {
            pacer.acquire();
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is left for the sender to see").isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aSenderThatFellBehindIsNotForgiven() {
        Pacer pacer = Pacer.of(1_000, Duration.ZERO, now::get, jump);
        pacer.restart();
        pacer.acquire();
        now.addAndGet(10_000_000); // a 10 ms stall
        // The next permits are all already due: the run catches up to the target rate instead of drifting below it.
        for (int i = 1; i <= 10; i++) {
            assertThat(pacer.acquire()).isEqualTo(1_000 + i * 1_000_000L);
        }
        assertThat(now.get()).isEqualTo(10_001_000);
    }

    @Test
    void withATickItWakesOncePerTickAndIssuesEveryPermitDueByItsEnd() {
        List<Long> wakeUps = new ArrayList<>();
        Pacer pacer = Pacer.of(10_000, Duration.ofMillis(1), now::get, (deadline, clock) -> {
            wakeUps.add(deadline);
            jump.waitUntil(deadline, clock);
        });
        pacer.restart();
        List<Long> due = new ArrayList<>();
        for (int i = 0; i < 25; i++) { // 2.5 ms of permits, one per 100 µs
            due.add(pacer.acquire());
        }
        // Each permit keeps its own due time, so the rate is unchanged...
        assertThat(due.get(24)).isEqualTo(1_000 + 24 * 100_000L);
        // ...but the thread woke only at the ends of the three ticks: permit 0 was due at once, 1-10 went at 1 ms,
        // 11-20 at 2 ms and 21-24 at 3 ms.
        assertThat(wakeUps).containsExactly(1_001_000L, 2_001_000L, 3_001_000L);
        assertThat(now.get()).isGreaterThanOrEqualTo(due.get(24));
    }

    @Test
    void zeroMeansUnlimited() {
        Pacer pacer = Pacer.of(0, Duration.ZERO, now::get, (deadline, clock) -> {
            throw new AssertionError("an unlimited pacer never waits");
        });
        assertThat(pacer.unlimited()).isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(pacer.acquire()).isEqualTo(1_000);
        }
    }
}
