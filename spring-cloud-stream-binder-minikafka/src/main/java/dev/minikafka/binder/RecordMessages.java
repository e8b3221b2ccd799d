package dev.minikafka.binder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.cloud.stream.binder.BinderHeaders;
import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.integration.acks.AcknowledgmentCallback;
import org.springframework.integration.support.DefaultMessageBuilderFactory;
import org.springframework.integration.support.MessageBuilderFactory;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.GenericMessage;

import dev.minikafka.client.ConsumerRecord;

/** Turns consumed records into messages: one record per message, or a batch as one message with a List payload. */
final class RecordMessages {

    private static final byte[] EMPTY = new byte[0];

    private final MiniKafkaHeaderMapper mapper = new MiniKafkaHeaderMapper();
    private final MessageBuilderFactory builders;

    RecordMessages(MessageBuilderFactory builders) {
        this.builders = builders;
    }

    Message<byte[]> toMessage(ConsumerRecord record, AcknowledgmentCallback ack) {
        Map<String, Object> headers = recordHeaders(record);
        if (ack != null) {
            headers.put(IntegrationMessageHeaderAccessor.ACKNOWLEDGMENT_CALLBACK, ack);
        }
        byte[] payload = record.value() == null ? EMPTY : record.value();
        // The default factory's builder copies the headers twice (into its accessor, then into MessageHeaders);
        // a GenericMessage copies them once, with the same id and timestamp headers. Per record, that matters.
        return builders instanceof DefaultMessageBuilderFactory
                ? new GenericMessage<>(payload, headers)
                : builders.withPayload(payload).copyHeaders(headers).build();
    }

    /**
     * A batch: the payload is the list of record values; each record's own headers are in
     * {@code scst_batchHeaders} (what the framework reads to convert each element), and the first record's
     * content type and topic are on the message itself.
     */
    Message<List<byte[]>> toBatchMessage(List<ConsumerRecord> records, AcknowledgmentCallback ack) {
        List<byte[]> payload = new ArrayList<>(records.size());
        List<Map<String, Object>> perRecord = new ArrayList<>(records.size());
        for (ConsumerRecord record : records) {
            payload.add(record.value() == null ? EMPTY : record.value());
            perRecord.add(recordHeaders(record));
        }
        var builder = builders.withPayload(payload)
                .setHeader(BinderHeaders.BATCH_HEADERS, perRecord)
                .setHeader(MiniKafkaHeaders.RECEIVED_TOPIC, records.getFirst().topic());
        Object contentType = perRecord.getFirst().get(MessageHeaders.CONTENT_TYPE);
        if (contentType != null) {
            builder.setHeader(MessageHeaders.CONTENT_TYPE, contentType);
        }
        if (ack != null) {
            builder.setHeader(IntegrationMessageHeaderAccessor.ACKNOWLEDGMENT_CALLBACK, ack);
        }
        return builder.build();
    }

    private Map<String, Object> recordHeaders(ConsumerRecord record) {
        Map<String, Object> headers = mapper.toHeaders(record.headers());
        headers.put(MiniKafkaHeaders.RECEIVED_TOPIC, record.topic());
        headers.put(MiniKafkaHeaders.RECEIVED_PARTITION, record.partition());
        headers.put(MiniKafkaHeaders.OFFSET, record.offset());
        headers.put(MiniKafkaHeaders.RECEIVED_TIMESTAMP, record.timestamp());
        if (record.key() != null) {
            headers.put(MiniKafkaHeaders.RECEIVED_MESSAGE_KEY, record.key());
        }
        return headers;
    }
}
