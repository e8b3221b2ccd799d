package dev.minikafka.binder;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import org.springframework.cloud.stream.binder.BinderHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.ErrorMessage;

import dev.minikafka.binder.provisioning.MiniKafkaDestination;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.protocol.Header;

/**
 * Subscribed to a consumer binding's error channel when {@code enableDlq} is set: writes the record that failed
 * (its original bytes, key and headers) to the dead-letter topic, on the same partition when the DLQ has it,
 * with the Kafka binder's headers saying where it came from and why it failed ({@code x-original-topic},
 * {@code x-original-partition}, {@code x-original-offset}, {@code x-original-timestamp},
 * {@code x-exception-fqcn}, {@code x-exception-message}, {@code x-exception-stacktrace}).
 *
 * <p>Waits for the broker's acknowledgement, so the consumer commits the failed record only once it is safe
 * in the DLQ; a failure to publish is thrown back to the consumer, which logs it. A batch that failed is
 * dead-lettered record by record.
 */
final class DeadLetterPublisher implements MessageHandler {

    private static final long PUBLISH_TIMEOUT_MS = 30_000;

    private final MiniKafkaDestination dlq;
    private final Supplier<MiniKafkaProducer> producer;
    private final MiniKafkaHeaderMapper mapper = new MiniKafkaHeaderMapper();
    private final Counter deadLettered;

    DeadLetterPublisher(MiniKafkaDestination dlq, Supplier<MiniKafkaProducer> producer, Counter deadLettered) {
        this.dlq = dlq;
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
        for (ProducerRecord record : records(original, failure)) {
            try {
                producer.get().send(record).get(PUBLISH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                deadLettered.increment();
            } catch (Exception e) {
                throw new IllegalStateException("could not write to the dead-letter topic '" + dlq.getName() + "'", e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private List<ProducerRecord> records(Message<?> original, Throwable failure) {
        Object payload = original.getPayload();
        if (payload instanceof List<?> values && original.getHeaders().get(BinderHeaders.BATCH_HEADERS) instanceof List<?> batch) {
            List<ProducerRecord> records = new ArrayList<>(values.size());
            for (int i = 0; i < values.size(); i++) {
                Map<String, Object> headers = (Map<String, Object>) batch.get(i);
                records.add(record(new MessageHeaders(headers), bytes(values.get(i)), failure));
            }
            return records;
        }
        return List.of(record(original.getHeaders(), bytes(payload), failure));
    }

    private ProducerRecord record(MessageHeaders headers, byte[] value, Throwable failure) {
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
        Integer samePartition = partition instanceof Integer p && p < dlq.partitions() ? p : null;
        byte[] key = headers.get(MiniKafkaHeaders.RECEIVED_MESSAGE_KEY) instanceof byte[] k ? k : null;
        return new ProducerRecord(dlq.getName(), samePartition, null, key, value, out);
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
