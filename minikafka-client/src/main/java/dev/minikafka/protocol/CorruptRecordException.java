package dev.minikafka.protocol;

/** A batch or record whose bytes do not follow {@link BatchLayout}: truncated, bad CRC, bad lengths. */
public final class CorruptRecordException extends RuntimeException {

    public CorruptRecordException(String message) {
        super(message);
    }
}
