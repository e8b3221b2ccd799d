package dev.minikafka.binder;

/**
 * The message headers the binder reads and writes. The names follow the Kafka binder's {@code kafka_*}
 * headers with a {@code minikafka_} prefix; the dead-letter headers have exactly the Kafka binder's names, so
 * tools reading either DLQ read both.
 */
public final class MiniKafkaHeaders {

    /** Outbound: the record key (String, byte[], or anything whose toString is the key); murmur2 picks the partition. */
    public static final String MESSAGE_KEY = "minikafka_messageKey";

    /** Inbound: the record key as bytes, or absent for a record without one. */
    public static final String RECEIVED_MESSAGE_KEY = "minikafka_receivedMessageKey";

    /** Inbound: the topic the record was read from. */
    public static final String RECEIVED_TOPIC = "minikafka_receivedTopic";

    /** Inbound: the partition the record was read from (Integer). */
    public static final String RECEIVED_PARTITION = "minikafka_receivedPartitionId";

    /** Inbound: the record's offset (Long). */
    public static final String OFFSET = "minikafka_offset";

    /** Inbound: the record's timestamp, milliseconds since the epoch (Long). */
    public static final String RECEIVED_TIMESTAMP = "minikafka_receivedTimestamp";

    /** On the wire: the Java types of headers that are not strings, so they come back as what they were. */
    static final String HEADER_TYPES = "minikafka_headerTypes";

    /** Dead-letter records: where the record came from and why it failed. */
    public static final String DLT_ORIGINAL_TOPIC = "x-original-topic";
    public static final String DLT_ORIGINAL_PARTITION = "x-original-partition";
    public static final String DLT_ORIGINAL_OFFSET = "x-original-offset";
    public static final String DLT_ORIGINAL_TIMESTAMP = "x-original-timestamp";
    public static final String DLT_EXCEPTION_FQCN = "x-exception-fqcn";
    public static final String DLT_EXCEPTION_MESSAGE = "x-exception-message";
    public static final String DLT_EXCEPTION_STACKTRACE = "x-exception-stacktrace";

    private MiniKafkaHeaders() {
    }
}
