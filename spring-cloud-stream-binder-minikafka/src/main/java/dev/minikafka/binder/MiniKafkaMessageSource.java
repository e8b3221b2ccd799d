package dev.minikafka.binder;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import org.springframework.context.Lifecycle;
import org.springframework.integration.acks.AcknowledgmentCallback;
import org.springframework.integration.endpoint.AbstractMessageSource;

import dev.minikafka.binder.provisioning.MiniKafkaDestination;
import dev.minikafka.binder.provisioning.MiniKafkaTopicProvisioner;
import dev.minikafka.client.ConsumerRebalanceListener;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.TopicPartition;

/**
 * The source behind a {@code PollableMessageSource} binding: each {@code receive()} returns one record (or
 * null), polling the broker only when the records of the last poll are used up. The message carries an
 * {@code acknowledgmentCallback}: ACCEPT and REJECT commit the record (REJECT after the DLQ took it), but
 * never past an earlier record of its partition that was handed out and not acknowledged yet
 * ({@link PolledOffsets}); REQUEUE moves the partition back so that the next {@code receive()} returns the
 * same record again. The framework acknowledges for the application unless it calls {@code noAutoAck()}.
 *
 * <p>Thread-safety: meant to be polled by one thread, as a Kafka consumer is; every method is synchronized so
 * an acknowledgement from another thread is safe too.
 */
final class MiniKafkaMessageSource extends AbstractMessageSource<Object> implements Lifecycle {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final MiniKafkaDestination destination;
    private final MiniKafkaTopicProvisioner provisioner;
    private final ConsumerSetup setup;
    private final Counter received;
    private final Deque<ConsumerRecord> buffered = new ArrayDeque<>();
    private final PolledOffsets offsets = new PolledOffsets();
    private RecordMessages messages;
    private MiniKafkaConsumer consumer;
    private boolean running;

    MiniKafkaMessageSource(MiniKafkaDestination destination, MiniKafkaTopicProvisioner provisioner, ConsumerSetup setup,
            Counter received) {
        this.destination = destination;
        this.provisioner = provisioner;
        this.setup = setup;
        this.received = received;
    }

    @Override
    public String getComponentType() {
        return "minikafka:message-source";
    }

    @Override
    public synchronized void start() {
        running = true;
    }

    @Override
    public synchronized void stop() {
        running = false;
        buffered.clear();
        offsets.clear();
        if (consumer != null) {
            try {
                consumer.close();
            } finally {
                consumer = null;
            }
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return running;
    }

    @Override
    protected synchronized Object doReceive() {
        if (!running) {
            return null;
        }
        if (messages == null) {
            messages = new RecordMessages(getMessageBuilderFactory());
        }
        if (buffered.isEmpty()) {
            if (consumer == null) {
                if (!destination.isProvisioned()) {
                    provisioner.ensureTopic(destination);
                }
                consumer = setup.open(0, destination.partitions(), new Rebalance());
            }
            buffered.addAll(consumer.poll(POLL_TIMEOUT));
        }
        ConsumerRecord record = buffered.poll();
        if (record == null) {
            return null;
        }
        received.increment();
        return messages.toMessage(record, new Ack(record, offsets.delivered(record.topicPartition(), record.offset())));
    }

    private synchronized void acknowledge(ConsumerRecord record, long delivery, AcknowledgmentCallback.Status status) {
        if (consumer == null) {
            return;
        }
        TopicPartition tp = record.topicPartition();
        if (status == AcknowledgmentCallback.Status.REQUEUE) {
            buffered.removeIf(r -> r.topicPartition().equals(tp));
            offsets.requeued(tp, record.offset());
            if (consumer.assignment().contains(tp)) {
                consumer.seek(tp, record.offset());
            }
            return;
        }
        long commit = offsets.acknowledged(tp, record.offset(), delivery);
        if (commit != PolledOffsets.NOTHING && !setup.anonymous() && consumer.assignment().contains(tp)) {
            consumer.commitSync(Map.of(tp, commit));
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            buffered.removeIf(r -> partitions.contains(r.topicPartition()));
            offsets.revoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    }

    private final class Ack implements AcknowledgmentCallback {

        private final ConsumerRecord record;
        private final long delivery;
        private boolean acknowledged;
        private boolean autoAck = true;

        Ack(ConsumerRecord record, long delivery) {
            this.record = record;
            this.delivery = delivery;
        }

        @Override
        public void acknowledge(Status status) {
            if (!acknowledged) {
                acknowledged = true;
                MiniKafkaMessageSource.this.acknowledge(record, delivery, status);
            }
        }

        @Override
        public boolean isAcknowledged() {
            return acknowledged;
        }

        @Override
        public void noAutoAck() {
            autoAck = false;
        }

        @Override
        public boolean isAutoAck() {
            return autoAck;
        }
    }
}
