package dev.minikafka.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command's worker threads and waits for them, never past the run's deadline (plus a short grace). */
final class Workers {

    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private Workers() {
    }

    /** Splits {@code total} into {@code parts} shares that differ by at most one. */
    static long share(long total, int parts, int index) {
        return total / parts + (index < total % parts ? 1 : 0);
    }

    /**
     * Starts one thread per task and joins them. Threads still running at the deadline are interrupted;
     * returns false if any had to be.
     */
    static boolean runAll(String name, List<? extends Runnable> tasks, long deadlineNanos) {
        List<Thread> threads = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            Thread thread = new Thread(tasks.get(i), name + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        boolean finished = true;
        for (Thread thread : threads) {
            if (!join(thread, deadlineNanos)) {
                finished = false;
                thread.interrupt();
            }
        }
        if (!finished) {
            for (Thread thread : threads) {
                join(thread, System.nanoTime() + GRACE_NANOS);
            }
        }
        return finished;
    }

    /** Sleeps in 1 ms steps until {@code done} holds or the deadline passes; returns whether it held. */
    static boolean awaitUntil(java.util.function.BooleanSupplier done, long deadlineNanos) {
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadlineNanos > 0) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return done.getAsBoolean();
            }
        }
        return true;
    }

    private static boolean join(Thread thread, long deadlineNanos) {
        try {
            long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (remainingMillis > 0) {
                thread.join(remainingMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }
}
