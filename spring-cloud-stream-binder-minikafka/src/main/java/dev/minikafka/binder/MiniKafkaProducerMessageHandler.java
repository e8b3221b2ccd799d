package dev.minikafka.binder;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.Counter;
import org.springframework.cloud.stream.binder.BinderHeaders;
import org.springframework.context.Lifecycle;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.integration.handler.AbstractMessageHandler;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandlingException;
import org.springframework.messaging.support.ErrorMessage;

import dev.minikafka.binder.provisioning.MiniKafkaDestination;
import dev.minikafka.binder.provisioning.MiniKafkaTopicProvisioner;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.RecordMetadata;
import dev.minikafka.client.SendCallback;

/**
 * Sends each message of a producer binding as one record. The payload must be bytes (the framework has
 * converted it by now; a String is sent as UTF-8). The partition is the framework's {@code scst_partition}
 * header when the binding is partitioned; otherwise the key (from {@code messageKeyExpression} or the
 * {@code minikafka_messageKey} header) decides it through the client's murmur2 partitioner, and records
 * without a key go to a sticky partition.
 *
 * <p>Asynchronous by default: {@code handleMessage} returns once the record is in the client's batch, and a
 * record the broker does not take is sent to the binding's error channel (when {@code errorChannelEnabled})
 * and counted. With {@code sync: true} it waits for the acknowledgement and throws on failure instead.
 *
 * <p>Thread-safety: any number of threads may send through one handler; the client producer is shared.
 */
final class MiniKafkaProducerMessageHandler extends AbstractMessageHandler implements Lifecycle {

    private final MiniKafkaDestination destination;
    private final MiniKafkaTopicProvisioner provisioner;
    private final ProducerConfig producerConfig;
    private final boolean sync;
    private final Expression keyExpression;
    private final MessageChannel sendFailureChannel;
    private final MiniKafkaHeaderMapper mapper = new MiniKafkaHeaderMapper();
    private final Counter sent;
    private final Counter failures;
    private volatile EvaluationContext evaluationContext;
    private volatile MiniKafkaProducer producer;

    MiniKafkaProducerMessageHandler(MiniKafkaDestination destination, MiniKafkaTopicProvisioner provisioner,
            ProducerConfig producerConfig, boolean sync, Expression keyExpression, MessageChannel sendFailureChannel,
            Counter sent, Counter failures) {
        this.destination = destination;
        this.provisioner = provisioner;
        this.producerConfig = producerConfig;
        this.sync = sync;
        this.keyExpression = keyExpression;
        this.sendFailureChannel = sendFailureChannel;
        this.sent = sent;
        this.failures = failures;
    }

    void setEvaluationContext(EvaluationContext evaluationContext) {
        this.evaluationContext = evaluationContext;
    }

    @Override
    public synchronized void start() {
        if (producer == null) {
            producer = new MiniKafkaProducer(producerConfig);
        }
    }

    @Override
    public synchronized void stop() {
        MiniKafkaProducer p = producer;
        producer = null;
        if (p != null) {
            p.close(); // sends what is queued, waiting at most 30 s
        }
    }

    @Override
    public boolean isRunning() {
        return producer != null;
    }

    @Override
    protected void handleMessageInternal(Message<?> message) {
        MiniKafkaProducer p = producer;
        if (p == null) {
            throw new MessageHandlingException(message, "the producer binding for '" + destination.getName() + "' is stopped");
        }
        if (!destination.isProvisioned()) {
            provisioner.ensureTopic(destination); // the broker was down when the binding started
        }
        ProducerRecord record = new ProducerRecord(destination.getName(), partition(message), null, key(message),
                payload(message), mapper.fromHeaders(message.getHeaders()));
        if (sync) {
            awaitAck(message, p.send(record));
        } else {
            p.send(record, new Outcome(message)); // a refused enqueue (buffer full past maxBlock) calls it at once
        }
    }

    /**
     * The completion of one asynchronous send, called once on the producer's I/O thread (or on the sending
     * thread when the record could not even be queued): one object per record, where a future and its
     * continuation were three.
     */
    private final class Outcome implements SendCallback {

        private final Message<?> message;

        Outcome(Message<?> message) {
            this.message = message;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception failure) {
            if (failure == null) {
                sent.increment();
            } else {
                sendFailed(message, failure);
            }
        }
    }

    private void awaitAck(Message<?> message, CompletableFuture<RecordMetadata> future) {
        try {
            future.get(producerConfig.deliveryTimeoutMs() + 5_000, TimeUnit.MILLISECONDS);
            sent.increment();
        } catch (ExecutionException e) {
            failures.increment();
            throw new MessageHandlingException(message, "MiniKafka did not take the record for '"
                    + destination.getName() + "': " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            failures.increment();
            throw new MessageHandlingException(message, "no acknowledgement from MiniKafka for '"
                    + destination.getName() + "' within the delivery timeout", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessageHandlingException(message, "interrupted while waiting for the acknowledgement", e);
        }
    }

    private void sendFailed(Message<?> message, Throwable failure) {
        failures.increment();
        MessageHandlingException e = new MessageHandlingException(message, "MiniKafka did not take the record for '"
                + destination.getName() + "': " + failure.getMessage(), failure);
        if (sendFailureChannel != null) {
            sendFailureChannel.send(new ErrorMessage(e, message));
        } else {
            logger.error(e, "Send failed (set errorChannelEnabled on the binding to handle failures)");
        }
    }

    private Integer partition(Message<?> message) {
        Object partition = message.getHeaders().get(BinderHeaders.PARTITION_HEADER);
        if (partition == null) {
            return null;
        }
        return partition instanceof Number n ? n.intValue() : Integer.valueOf(partition.toString());
    }

    private byte[] key(Message<?> message) {
        Object key = keyExpression != null
                ? keyExpression.getValue(evaluationContext, message)
                : message.getHeaders().get(MiniKafkaHeaders.MESSAGE_KEY);
        return switch (key) {
            case null -> null;
            case byte[] b -> b;
            default -> key.toString().getBytes(StandardCharsets.UTF_8);
        };
    }

    private static byte[] payload(Message<?> message) {
        return switch (message.getPayload()) {
            case byte[] b -> b;
            case String s -> s.getBytes(StandardCharsets.UTF_8);
            default -> throw new MessageHandlingException(message, "the payload must be byte[] after the framework's "
                    + "conversion, was " + message.getPayload().getClass().getName()
                    + " (is useNativeEncoding set without an encoder?)");
        };
    }
}
