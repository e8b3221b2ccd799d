package dev.minikafka.binder;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import org.springframework.cloud.stream.binder.BinderHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.ErrorMessage;

import dev.minikafka.binder.provisioning.MiniKafkaDestination;
import dev.minikafka.binder.provisioning.MiniKafkaTopicProvisioner;
import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.protocol.Header;

/**
 * Subscribed to a consumer binding's error channel when {@code enableDlq} is set: writes the record that failed
 * (its original bytes, key and headers) to the dead-letter topic, on the same partition when the DLQ has it,
 * with the Kafka binder's headers saying where it came from and why it failed ({@code x-original-topic},
 * {@code x-original-partition}, {@code x-original-offset}, {@code x-original-timestamp},
 * {@code x-exception-fqcn}, {@code x-exception-message}, {@code x-exception-stacktrace}).
 *
 * <p>The topic is made sure of before the first write when the broker was unreachable as the binding started
 * (the provisioner could only log then), and created again when a write finds it gone; either way as the
 * binder creates it at start, with the source topic's partition count: a broker with {@code auto-create-topics}
 * off refuses writes to a missing topic.
 *
 * <p>Waits for the broker's acknowledgement, so the consumer commits the failed record only once it is safe
 * in the DLQ; a failure to publish is thrown back to the consumer, which logs it at ERROR and commits past the
 * record, as the Kafka binder does. A batch that failed is dead-lettered record by record.
 *
 * <p>Thread-safety: shared by a binding's consumer threads; they may provision the topic twice at once,
 * harmlessly.
 */
final class DeadLetterPublisher implements MessageHandler {

    private static final long PUBLISH_TIMEOUT_MS = 30_000;

    private final MiniKafkaDestination source;
    private final MiniKafkaTopicProvisioner provisioner;
    private final Supplier<MiniKafkaProducer> producer;
    private final MiniKafkaHeaderMapper mapper = new MiniKafkaHeaderMapper();
    private final Counter deadLettered;
    /** Replaced once provisioned after the binding started. */
    private volatile MiniKafkaDestination dlq;

    DeadLetterPublisher(MiniKafkaDestination dlq, MiniKafkaDestination source, MiniKafkaTopicProvisioner provisioner,
            Supplier<MiniKafkaProducer> producer, Counter deadLettered) {
        this.dlq = dlq;
        this.source = source;
        this.provisioner = provisioner;
        this.producer = producer;
        this.deadLettered = deadLettered;
    }

    @Override
    public void handleMessage(Message<?> message) {
        if (!(message instanceof ErrorMessage error)) {
            return;
        }
        Throwable failure = error.getPayload();
        Message<?> original = error.getOriginalMessage();
        if (original == null && failure instanceof MessagingException me) {
            original = me.getFailedMessage();
        }
        if (original == null) {
            throw new IllegalStateException("no failed message to dead-letter", failure);
        }
        Object payload = original.getPayload();
        if (payload instanceof List<?> values && original.getHeaders().get(BinderHeaders.BATCH_HEADERS) instanceof List<?> batch) {
            for (int i = 0; i < values.size(); i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> headers = (Map<String, Object>) batch.get(i);
                publish(new MessageHeaders(headers), bytes(values.get(i)), failure);
            }
        } else {
            publish(original.getHeaders(), bytes(payload), failure);
        }
    }

    /** Writes one failed record, making sure of the topic first and once more if the broker does not know it. */
    private void publish(MessageHeaders headers, byte[] value, Throwable failure) {
        MiniKafkaDestination topic = dlq;
        if (!topic.isProvisioned()) {
            topic = provision(topic); // the broker was unreachable when the binding started
        }
        Throwable error = write(record(topic, headers, value, failure));
        if (error instanceof MiniKafkaException e && e.code() == ErrorCode.UNKNOWN_TOPIC) {
            topic = provision(topic); // deleted since it was provisioned
            error = write(record(topic, headers, value, failure));
        }
        if (error != null) {
            throw new IllegalStateException("could not write to the dead-letter topic '" + topic.getName() + "': "
                    + error.getMessage(), error);
        }
        deadLettered.increment();
    }

    private MiniKafkaDestination provision(MiniKafkaDestination topic) {
        try {
            MiniKafkaDestination provisioned = provisioner.provisionDlq(topic.getName(), source.partitions());
            dlq = provisioned;
            return provisioned;
        } catch (RuntimeException e) {
            throw new IllegalStateException("could not provision the dead-letter topic '" + topic.getName() + "': "
                    + e.getMessage(), e);
        }
    }

    /** Sends the record and waits for the broker's answer: null when it took the record, else why not. */
    private Throwable write(ProducerRecord record) {
        try {
            producer.get().send(record).get(PUBLISH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    private ProducerRecord record(MiniKafkaDestination target, MessageHeaders headers, byte[] value, Throwable failure) {
        List<Header> out = new ArrayList<>(mapper.fromHeaders(headers));
        Object topic = headers.get(MiniKafkaHeaders.RECEIVED_TOPIC);
        Object partition = headers.get(MiniKafkaHeaders.RECEIVED_PARTITION);
        add(out, MiniKafkaHeaders.DLT_ORIGINAL_TOPIC, topic);
        add(out, MiniKafkaHeaders.DLT_ORIGINAL_PARTITION, partition);
        add(out, MiniKafkaHeaders.DLT_ORIGINAL_OFFSET, headers.get(MiniKafkaHeaders.OFFSET));
        add(out, MiniKafkaHeaders.DLT_ORIGINAL_TIMESTAMP, headers.get(MiniKafkaHeaders.RECEIVED_TIMESTAMP));
        Throwable cause = rootCause(failure);
        add(out, MiniKafkaHeaders.DLT_EXCEPTION_FQCN, cause.getClass().getName());
        add(out, MiniKafkaHeaders.DLT_EXCEPTION_MESSAGE, cause.getMessage() != null ? cause.getMessage() : failure.getMessage());
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        add(out, MiniKafkaHeaders.DLT_EXCEPTION_STACKTRACE, trace.toString());
        Integer samePartition = partition instanceof Integer p && p < target.partitions() ? p : null;
        byte[] key = headers.get(MiniKafkaHeaders.RECEIVED_MESSAGE_KEY) instanceof byte[] k ? k : null;
        return new ProducerRecord(target.getName(), samePartition, null, key, value, out);
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static void add(List<Header> headers, String name, Object value) {
        if (value != null) {
            headers.add(new Header(name, value.toString().getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        return value == null ? null : value.toString().getBytes(StandardCharsets.UTF_8);
    }
}
