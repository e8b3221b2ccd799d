package dev.minikafka.binder;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.Counter;
import org.springframework.cloud.stream.binder.BinderHeaders;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.integration.core.Pausable;
import org.springframework.integration.core.RecoveryCallback;
import org.springframework.integration.endpoint.MessageProducerSupport;
import org.springframework.integration.support.ErrorMessageUtils;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.MessagingException;

import dev.minikafka.binder.properties.MiniKafkaBinderConfigurationProperties;
import dev.minikafka.binder.provisioning.MiniKafkaDestination;
import dev.minikafka.binder.provisioning.MiniKafkaTopicProvisioner;
import dev.minikafka.client.ConsumerRebalanceListener;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.TopicPartition;

/**
 * The consumer side of a binding: {@code concurrency} threads, each with its own {@link MiniKafkaConsumer}
 * (a group member, or statically assigned partitions), each polling, handing records to the binding's
 * channel one by one (or as Lists in batch mode), and committing what was processed.
 *
 * <p><b>Delivery.</b> At least once. A record counts as processed when the application returned without
 * error, or when it failed {@code maxAttempts} times and the recoverer (error channel, DLQ) took it; a commit
 * never moves past a record whose handler has not returned. Processed offsets are committed without waiting
 * after a poll's records are processed, at most once per {@code commitInterval} (every poll when it is 0: a
 * commit per poll cost about a tenth of the consumer thread), before partitions are revoked with waiting, and
 * on stop with waiting. A commit that waits, and the consumer's close, first wait for the answers to the
 * commits sent without waiting (the client does that, as Kafka's does, so none reaches the broker after the
 * group leave that follows a stop); one the broker refused is sent again. A consumer that dies without
 * stopping has the records it processed since its last commit delivered again. In MANUAL ack mode only
 * acknowledged records are committed: the {@code acknowledgmentCallback} header's {@code acknowledge()} commits the record and every
 * earlier one of its partition, as in Kafka; it may be called from any thread, and what was acknowledged
 * before the binding stops is committed on stop.
 *
 * <p><b>Failures.</b> A record that cannot be processed (a conversion error included) is retried, then given
 * to the recoverer and committed: it never stalls its partition. A broker that cannot be reached is retried
 * with an exponential back-off (reconnect-backoff up to reconnect-backoff-max); the thread never dies.
 *
 * <p><b>Pause/resume</b> (the bindings actuator endpoint) stops fetching on every consumer's next loop, and
 * keeps the group membership, so nothing is rebalanced.
 *
 * <p><b>Stop</b> lets each thread finish the record in hand and hands out no further one (what was not handed
 * out is not committed, and goes to the partitions' next owner). A thread waiting out a retry back-off is
 * interrupted, and only then: the record it was retrying is neither recovered nor committed. Stop waits up to
 * {@code pollTimeout} + 15 s for the threads to commit and close their consumers.
 *
 * <p>Threading: each consumer is used only by its own thread; {@code pause}, {@code resume}, {@code stop}
 * and acknowledgements from other threads are handed over through volatile flags and a queue; the interrupt
 * of a thread in a back-off is decided under the loop's lock ({@link ConsumerLoop#stop}).
 */
final class MiniKafkaInboundChannelAdapter extends MessageProducerSupport implements Pausable {

    private final MiniKafkaDestination destination;
    private final MiniKafkaTopicProvisioner provisioner;
    private final ConsumerSetup setup;
    private final MiniKafkaBinderConfigurationProperties.Consumer tuning;
    private final int concurrency;
    private final boolean batchMode;
    private final int maxBatchSize;
    private final boolean manualAck;
    private final RetryTemplate retryTemplate;
    private final RecoveryCallback<Object> recoverer;
    private final Counter received;
    private final long commitIntervalNanos;
    /** How long stop waits for the consumer threads to commit and close: a final poll, and a commit's round trip. */
    private final Duration stopWait;
    private final List<ConsumerLoop> loops = new CopyOnWriteArrayList<>();
    private RecordMessages messages;
    private volatile boolean paused;

    MiniKafkaInboundChannelAdapter(MiniKafkaDestination destination, MiniKafkaTopicProvisioner provisioner,
            ConsumerSetup setup, MiniKafkaBinderConfigurationProperties.Consumer tuning, int concurrency,
            boolean batchMode, int maxBatchSize, boolean manualAck, RetryTemplate retryTemplate,
            RecoveryCallback<Object> recoverer, Counter received) {
        this.destination = destination;
        this.provisioner = provisioner;
        this.setup = setup;
        this.tuning = tuning;
        this.concurrency = Math.max(1, concurrency);
        this.batchMode = batchMode;
        this.maxBatchSize = Math.max(1, maxBatchSize);
        this.manualAck = manualAck;
        this.retryTemplate = retryTemplate;
        this.recoverer = recoverer;
        this.received = received;
        this.commitIntervalNanos = tuning.getCommitInterval().toNanos();
        this.stopWait = tuning.getPollTimeout().plusSeconds(15);
    }

    @Override
    protected void onInit() {
        super.onInit();
        messages = new RecordMessages(getMessageBuilderFactory());
    }

    @Override
    protected void doStart() {
        for (int i = 0; i < concurrency; i++) {
            ConsumerLoop loop = new ConsumerLoop(i);
            loops.add(loop);
            Thread thread = new Thread(loop, "minikafka-" + setup.topic() + "-" + setup.group() + "-" + i);
            thread.setDaemon(true);
            loop.thread = thread;
            thread.start();
        }
    }

    @Override
    protected void doStop() {
        loops.forEach(ConsumerLoop::stop);
        long deadline = System.nanoTime() + stopWait.toNanos();
        for (ConsumerLoop loop : loops) {
            try {
                if (!loop.thread.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    logger.warn(() -> "Consumer thread " + loop.thread.getName() + " did not stop within " + stopWait
                            + " (a handler or the final commit is still running); it stops after the record in hand");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        loops.clear();
    }

    @Override
    public void pause() {
        paused = true;
    }

    @Override
    public void resume() {
        paused = false;
    }

    @Override
    public boolean isPaused() {
        return paused;
    }

    /** Partitions currently owned by this binding's consumers (for tests and diagnostics). */
    Set<TopicPartition> assignment() {
        Set<TopicPartition> all = new HashSet<>();
        loops.forEach(loop -> all.addAll(loop.owned));
        return all;
    }

    /** One consumer and its thread. */
    private final class ConsumerLoop implements Runnable, ConsumerRebalanceListener {

        private final int index;
        private final OffsetTracker offsets = new OffsetTracker(setup.topic());
        private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
        private volatile boolean running = true;
        /** Guarded by this: the thread waits out a retry back-off, so stop may interrupt it. */
        private boolean backingOff;
        /** The last poll reached the broker; a final commit on stop is tried only then (it would only time out). */
        private boolean reachable;
        /** When processed offsets are next committed without waiting (nanoTime); see commitInterval. */
        private long nextCommitNanos = System.nanoTime();
        private Thread thread;
        private MiniKafkaConsumer consumer;

        ConsumerLoop(int index) {
            this.index = index;
        }

        @Override
        public void run() {
            try {
                consumeUntilStopped();
            } catch (Error e) {
                // As spring-kafka's container does: an Error (a failed assertion, a StackOverflowError, out of
                // memory) stops this consumer. Closing it leaves the group, so the partitions go to the other
                // members; without that the shared heartbeat thread would keep them here, unread.
                logger.error(e, () -> "Consumer " + index + " of '" + setup.topic() + "' (group '" + setup.group()
                        + "') stopped by an Error; its partitions go to the group's other members");
                closeConsumer(false);
                throw e;
            }
        }

        private void consumeUntilStopped() {
            long backOff = tuning.getReconnectBackoff().toMillis();
            while (running) {
                try {
                    if (consumer == null) {
                        if (!destination.isProvisioned()) {
                            provisioner.ensureTopic(destination);
                        }
                        consumer = setup.open(index, destination.partitions(), this);
                    }
                    applyPause();
                    List<ConsumerRecord> records = consumer.poll(tuning.getPollTimeout());
                    if (!records.isEmpty()) {
                        process(records);
                    }
                    if (System.nanoTime() - nextCommitNanos >= 0) {
                        commit(false);
                        nextCommitNanos = System.nanoTime() + commitIntervalNanos;
                    }
                    reachable = true;
                    backOff = tuning.getReconnectBackoff().toMillis();
                } catch (RuntimeException e) {
                    reachable = false;
                    long wait = backOff;
                    logger.warn(() -> "Consumer " + index + " of '" + setup.topic() + "' (group '" + setup.group()
                            + "') failed: " + e.getMessage() + "; reconnecting in " + wait + " ms");
                    logger.debug(e, "Consumer failure");
                    closeConsumer(false);
                    sleep(backOff);
                    backOff = Math.min(backOff * 2, tuning.getReconnectBackoffMax().toMillis());
                }
            }
            closeConsumer(true);
        }

        private void applyPause() {
            Set<TopicPartition> assigned = consumer.assignment();
            Set<TopicPartition> pausedNow = consumer.paused();
            if (paused) {
                if (pausedNow.size() != assigned.size()) {
                    consumer.pause(assigned);
                }
            } else if (!pausedNow.isEmpty()) {
                consumer.resume(pausedNow);
            }
        }

        private void process(List<ConsumerRecord> records) {
            received.increment(records.size()); // once per poll: a meter update per record is measurable
            if (batchMode) {
                for (int from = 0; from < records.size(); from += maxBatchSize) {
                    List<ConsumerRecord> chunk = records.subList(from, Math.min(records.size(), from + maxBatchSize));
                    if (!running) {
                        return; // stopping: what is not handed out is not committed, and goes to the next owner
                    }
                    List<ConsumerRecord> copy = List.copyOf(chunk);
                    if (deliver(messages.toBatchMessage(copy, manualAck ? new ManualAcknowledgment(offsets, copy) : null))) {
                        offsets.processed(copy);
                    }
                }
            } else {
                for (int i = 0, n = records.size(); i < n && running; i++) {
                    ConsumerRecord record = records.get(i);
                    if (deliver(messages.toMessage(record, manualAck ? new ManualAcknowledgment(offsets, List.of(record)) : null))) {
                        offsets.processed(record);
                    }
                }
            }
        }

        /**
         * Hands the message to the binding (retrying, then recovering); returns whether it may be committed. Not
         * when stop cut its retries short: it was not processed, so it is left for whoever reads the partition next.
         */
        private boolean deliver(Message<?> message) {
            boolean done;
            try {
                if (retryTemplate != null) {
                    retryTemplate.execute(() -> attempt(message));
                } else {
                    sendMessage(message);
                }
                done = !manualAck;
            } catch (RetryException e) {
                done = !retriesStopped() && recover(message, e.getLastException());
            } catch (RuntimeException e) {
                done = recover(message, e);
            }
            return done;
        }

        /** One attempt of the retry template; after a failure the thread backs off, interruptibly by stop. */
        private Object attempt(Message<?> message) {
            if (!backingOff(false)) {
                throw new IllegalStateException("the binding stopped before this attempt");
            }
            try {
                sendMessage(message);
                return null;
            } catch (RuntimeException e) {
                backingOff(true);
                throw e;
            }
        }

        /**
         * On the consumer's thread: it starts waiting out a back-off (true) or an attempt (false). Once stop has
         * run, the thread interrupts itself instead, so that the retry template's sleep, if any, ends at once and
         * the template gives up. Returns whether the binding still runs.
         */
        private synchronized boolean backingOff(boolean waiting) {
            backingOff = waiting && running;
            if (!running) {
                Thread.currentThread().interrupt();
            }
            return running;
        }

        /** On the consumer's thread as the retry template gave up: whether stop cut it short (its interrupt is cleared). */
        private synchronized boolean retriesStopped() {
            backingOff = false;
            if (running) {
                return false;
            }
            Thread.interrupted();
            return true;
        }

        /** From the stopping thread: no further record is handed out, and a thread in a retry back-off is woken. */
        synchronized void stop() {
            running = false;
            if (backingOff) {
                thread.interrupt();
            }
        }

        /** Gives a failed message to the recoverer (error channel, DLQ); returns whether it may be committed. */
        private boolean recover(Message<?> message, Throwable failure) {
            if (recoverer == null) {
                logger.error(failure, () -> "Failed to process a message from '" + setup.topic() + "'; skipping it");
                return true;
            }
            Message<?> failed = failure instanceof MessagingException me && me.getFailedMessage() != null
                    ? me.getFailedMessage() : message;
            try {
                recoverer.recover(ErrorMessageUtils.getAttributeAccessor(message, failed), failure);
            } catch (RuntimeException e) {
                // Not even the recoverer could take it (e.g. the DLQ is unreachable). Skipping is the lesser evil, and
                // what the Kafka binder does ("Error sending to DLQ", then commit): a stalled partition would stop
                // every record behind this one. Said plainly, as the record is gone once committed.
                logger.error(e, () -> "Could not recover the failed record " + describe(message) + " ("
                        + e.getMessage() + "); committing past it, so it is lost: neither processed nor dead-lettered");
            }
            return true;
        }

        /** Where a message's record(s) came from, for the log: topic-partition@offset, or a batch's first one. */
        private String describe(Message<?> message) {
            MessageHeaders headers = message.getHeaders();
            if (headers.get(BinderHeaders.BATCH_HEADERS) instanceof List<?> batch && !batch.isEmpty()
                    && batch.getFirst() instanceof Map<?, ?> first) {
                return "batch of " + batch.size() + " from " + setup.topic() + "-"
                        + first.get(MiniKafkaHeaders.RECEIVED_PARTITION) + "@" + first.get(MiniKafkaHeaders.OFFSET);
            }
            return setup.topic() + "-" + headers.get(MiniKafkaHeaders.RECEIVED_PARTITION) + "@"
                    + headers.get(MiniKafkaHeaders.OFFSET);
        }

        /** Commits processed offsets that moved since the last commit; waits only when asked to. */
        private void commit(boolean sync) {
            if (setup.anonymous() || consumer == null) {
                return;
            }
            Map<TopicPartition, Long> changed = offsets.toCommit(consumer.assignment());
            if (changed.isEmpty()) {
                return;
            }
            if (sync) {
                consumer.commitSync(changed);
            } else {
                consumer.commitAsync(changed, (sent, failure) -> {
                    if (failure != null) {
                        offsets.commitFailed(sent);
                        // WARN, as spring-kafka's commit callback logs failures: one that keeps failing (a missing
                        // ACL, say) would otherwise leave nothing committed without a word.
                        logger.warn(() -> "Commit of " + sent + " failed (offered again with the next commit): "
                                + failure.getMessage());
                    }
                });
            }
            offsets.committed(changed);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            try {
                Map<TopicPartition, Long> last = offsets.toCommit(partitions);
                if (!last.isEmpty() && !setup.anonymous()) {
                    consumer.commitSync(last); // before the broker hands the partitions on
                }
            } catch (RuntimeException e) {
                logger.warn(() -> "Commit before revocation of " + partitions + " failed: " + e.getMessage());
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            owned.addAll(partitions);
            if (paused) {
                // Paused before the poll that brought them opens their streams, as Kafka's container does;
                // the next loop's applyPause would be too late for what this poll fetches.
                consumer.pause(partitions);
            }
        }

        private void forget(Collection<TopicPartition> partitions) {
            owned.removeAll(partitions);
            offsets.forget(partitions);
        }

        private void closeConsumer(boolean commitFirst) {
            if (consumer == null) {
                return;
            }
            try {
                if (commitFirst && reachable) {
                    commit(true);
                }
            } catch (RuntimeException e) {
                logger.warn(() -> "Final commit of '" + setup.topic() + "' failed: " + e.getMessage());
            }
            try {
                consumer.close();
            } catch (RuntimeException e) {
                logger.debug(() -> "Closing the consumer failed: " + e.getMessage());
            }
            consumer = null;
            owned.clear();
            offsets.clear();
        }

        private void sleep(long millis) {
            long end = System.currentTimeMillis() + millis;
            while (running && System.currentTimeMillis() < end) {
                try {
                    Thread.sleep(Math.min(100, millis));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
