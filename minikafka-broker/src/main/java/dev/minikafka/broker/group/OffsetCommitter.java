package dev.minikafka.broker.group;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;

import dev.minikafka.broker.group.store.OffsetStore;

/**
 * Writes offset commits to the database in batches: commits that arrive while a transaction runs wait for
 * it, then share the next one (group commit, as the log's fsync does). One thread, so commits land in
 * arrival order and {@code onStored} callbacks (which update the in-memory cache) run in that order too.
 * A failed transaction fails every commit in it with {@link GroupException.Kind#UNAVAILABLE}; nothing is
 * acknowledged that was not stored. When the database refused the data rather than failed (a constraint or
 * a value it cannot hold), each commit of the batch is written again on its own, so that one bad commit
 * fails only itself ({@link GroupException.Kind#INVALID}).
 */
final class OffsetCommitter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OffsetCommitter.class);
    /** Commits waiting at most; past it a commit is refused rather than queued without bound. */
    private static final int QUEUE_CAPACITY = 10_000;

    /** Commits to store, or (with {@code task} set) other work that must run in order with them. */
    private record Pending(List<OffsetStore.Commit> commits, Consumer<Instant> onStored, Runnable task,
                           CompletableFuture<Void> done) {
    }

    private final OffsetStore store;
    private final Clock clock;
    private final int maxBatch;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread thread;
    private volatile boolean closed;

    OffsetCommitter(OffsetStore store, Clock clock, int maxBatch) {
        this.store = store;
        this.clock = clock;
        this.maxBatch = maxBatch;
        this.thread = new Thread(this::run, "minikafka-offset-commit");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues commits; the future completes once they are stored, after {@code onStored} ran with the commit
     * time written to the database. Must not
     * block: the coordinator calls it under a group's lock so that commits validated in order are stored
     * in order.
     */
    CompletableFuture<Void> submit(List<OffsetStore.Commit> commits, Consumer<Instant> onStored) {
        return enqueue(commits, onStored, null);
    }

    /**
     * Queues {@code task} to run on the commit thread after every commit queued before it was stored (and its
     * {@code onStored} ran) or failed, and before any queued after it. Must not block, as {@link #submit}.
     */
    CompletableFuture<Void> runInOrder(Runnable task) {
        return enqueue(List.of(), at -> { }, task);
    }

    private CompletableFuture<Void> enqueue(List<OffsetStore.Commit> commits, Consumer<Instant> onStored, Runnable task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new GroupException(GroupException.Kind.UNAVAILABLE, "the broker is shutting down"));
        } else if (!queue.offer(new Pending(commits, onStored, task, done))) {
            done.completeExceptionally(new GroupException(GroupException.Kind.UNAVAILABLE,
                    QUEUE_CAPACITY + " offset commits are already waiting for the database; retry shortly"));
        }
        return done;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            Pending first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS); // wakes to notice close
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) {
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, maxBatch - 1);
            process(batch);
            batch.clear();
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.done.completeExceptionally(new GroupException(GroupException.Kind.UNAVAILABLE, "the broker is shutting down"));
        }
    }

    /** Writes the commits between tasks in one transaction each, and runs the tasks in between, in order. */
    private void process(List<Pending> batch) {
        int from = 0;
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            if (p.task != null) {
                if (i > from) {
                    write(batch.subList(from, i));
                }
                try {
                    p.task.run();
                    p.done.complete(null);
                } catch (RuntimeException e) {
                    p.done.completeExceptionally(e);
                }
                from = i + 1;
            }
        }
        if (from < batch.size()) {
            write(batch.subList(from, batch.size()));
        }
    }

    private void write(List<Pending> batch) {
        List<OffsetStore.Commit> commits = new ArrayList<>();
        batch.forEach(p -> commits.addAll(p.commits));
        Instant at = clock.instant();
        try {
            store.write(commits, at);
        } catch (DataIntegrityViolationException e) {
            if (batch.size() == 1) {
                log.warn("The offset store refused {} offset commits: {}", commits.size(), rootMessage(e));
                batch.get(0).done.completeExceptionally(new GroupException(GroupException.Kind.INVALID,
                        "the offset store refused the commit (" + rootMessage(e) + "); it was not stored", e));
            } else {
                batch.forEach(p -> write(List.of(p))); // rare; keeps one bad commit from failing the others
            }
            return;
        } catch (RuntimeException e) {
            log.warn("Could not store {} offset commits: {}", commits.size(), e.getMessage());
            GroupException failure = new GroupException(GroupException.Kind.UNAVAILABLE,
                    "the offset store is unreachable (" + rootMessage(e) + "); the commit was not stored, retry it."
                            + " Produce and fetch are unaffected", e);
            batch.forEach(p -> p.done.completeExceptionally(failure));
            return;
        }
        for (Pending p : batch) {
            p.onStored.accept(at);
            p.done.complete(null);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    @Override
    public void close() {
        closed = true; // commits already queued are still written
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
