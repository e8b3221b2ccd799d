package dev.minikafka.client.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.minikafka.client.MiniKafkaException;

/**
 * One request that a poll waits for only until the poll's deadline, kept in flight across polls: a later wait
 * for the same request (an equal key) waits for the answer to the one already sent instead of sending it again,
 * as Kafka's consumer keeps its pending committed-offset fetch. The request's own deadline (the request timeout)
 * still ends it. Poll thread only. Internal API.
 *
 * @param <K> what identifies the request
 * @param <T> its answer
 */
final class InFlight<K, T> {

    private K key;
    private Future<T> answer;

    /** Whether the request {@code key} names was sent and is not answered yet or its answer not taken. */
    boolean isSent(K key) {
        return answer != null && this.key.equals(key);
    }

    /**
     * The answer to the request {@code key} names, sending it first unless it is in flight (a different request
     * in flight is cancelled); null if it has not come by {@code deadlineNanos} ({@link System#nanoTime}), the
     * request then staying in flight. An answered request is forgotten, so the next call sends it again.
     *
     * @throws MiniKafkaException the request failed
     */
    T await(K key, Supplier<Future<T>> send, long deadlineNanos) {
        if (!isSent(key)) {
            cancel();
            this.key = key;
            this.answer = send.get();
        }
        try {
            T value = answer.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            forget();
            return value;
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the poll ends at its next wait; the request stays in flight
            return null;
        } catch (ExecutionException | CancellationException e) {
            forget();
            throw Statuses.toException(e instanceof ExecutionException ? e.getCause() : e);
        }
    }

    /** Cancels the request in flight, if any: its answer would no longer be used. */
    void cancel() {
        if (answer != null) {
            answer.cancel(true);
            forget();
        }
    }

    private void forget() {
        key = null;
        answer = null;
    }
}
