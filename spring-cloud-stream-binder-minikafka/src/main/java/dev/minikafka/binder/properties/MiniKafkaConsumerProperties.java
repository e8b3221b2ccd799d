package dev.minikafka.binder.properties;

/**
 * MiniKafka-specific settings of one consumer binding
 * ({@code spring.cloud.stream.minikafka.bindings.<name>.consumer.*}, defaults under
 * {@code spring.cloud.stream.minikafka.default.consumer.*}).
 */
public class MiniKafkaConsumerProperties {

    /** Where a group starts. */
    public enum StartOffset {
        /** The oldest retained record. */
        EARLIEST,
        /** Only records written after the consumer joined. */
        LATEST
    }

    /** When offsets are committed. */
    public enum AckMode {
        /** After the application processed each polled chunk of records without error (or after the DLQ took them). */
        AUTO,
        /** When the application calls the acknowledgment callback in the message's headers. */
        MANUAL
    }

    /**
     * Where a group with no committed offsets starts; unset means earliest for a named group and latest for
     * an anonymous one, as in the Kafka binder.
     */
    private StartOffset startOffset;

    /** Commit after processing (AUTO) or when the application acknowledges (MANUAL). */
    private AckMode ackMode = AckMode.AUTO;

    /** Send records that failed every attempt to a dead-letter topic. */
    private boolean enableDlq;

    /** The dead-letter topic; default error.<destination>.<group>. */
    private String dlqName;

    /** In batch mode, the most records delivered in one List (a poll may return fewer). */
    private int maxBatchSize = 500;

    public StartOffset getStartOffset() {
        return startOffset;
    }

    public void setStartOffset(StartOffset startOffset) {
        this.startOffset = startOffset;
    }

    public AckMode getAckMode() {
        return ackMode;
    }

    public void setAckMode(AckMode ackMode) {
        this.ackMode = ackMode;
    }

    public boolean isEnableDlq() {
        return enableDlq;
    }

    public void setEnableDlq(boolean enableDlq) {
        this.enableDlq = enableDlq;
    }

    public String getDlqName() {
        return dlqName;
    }

    public void setDlqName(String dlqName) {
        this.dlqName = dlqName;
    }

    public int getMaxBatchSize() {
        return maxBatchSize;
    }

    public void setMaxBatchSize(int maxBatchSize) {
        this.maxBatchSize = maxBatchSize;
    }
}
