package dev.minikafka.client.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The producer's {@code buffer.memory}: bytes of records accepted by {@code send} and not yet acknowledged.
 * Reserving is a lock-free decrement while there is room; only a producer that must wait takes the lock.
 * Internal API.
 */
public final class BufferMemory {

    private final long total;
    private final AtomicLong available;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();

    public BufferMemory(long total) {
        this.total = total;
        this.available = new AtomicLong(total);
    }

    /**
     * Takes {@code bytes}, waiting up to {@code maxWaitNanos} for acknowledgements to free them.
     *
     * @return false when the wait ran out
     */
    public boolean reserve(int bytes, long maxWaitNanos) throws InterruptedException {
        if (bytes > total) {
            throw new IllegalArgumentException("a record of " + bytes + " bytes is larger than buffer.memory (" + total + ")");
        }
        if (tryReserve(bytes)) {
            return true;
        }
        long deadline = System.nanoTime() + maxWaitNanos;
        lock.lock();
        try {
            while (!tryReserve(bytes)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                released.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    public void release(long bytes) {
        available.addAndGet(bytes);
        if (lock.hasQueuedThreads() || lock.isLocked()) {
            lock.lock();
            try {
                released.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    public long available() {
        return available.get();
    }

    private boolean tryReserve(int bytes) {
        long now = available.get();
        while (now >= bytes) {
            if (available.compareAndSet(now, now - bytes)) {
                return true;
            }
            now = available.get();
        }
        return false;
    }
}
