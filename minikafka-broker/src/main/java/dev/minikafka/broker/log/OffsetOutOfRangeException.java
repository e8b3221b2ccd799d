package dev.minikafka.broker.log;

/** A read or seek asked for an offset outside {@code [logStartOffset, logEndOffset]}; the message names the range. */
public final class OffsetOutOfRangeException extends RuntimeException {

    public OffsetOutOfRangeException(String topicPartition, long offset, long logStartOffset, long logEndOffset) {
        super("offset " + offset + " is out of range for " + topicPartition + ": valid offsets are "
                + logStartOffset + ".." + logEndOffset + " (" + logEndOffset + " is the next offset to be written)");
    }
}
