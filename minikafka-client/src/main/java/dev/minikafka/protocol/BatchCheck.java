package dev.minikafka.protocol;

/** The outcome of checking a run of batches; {@link #OK} or the first problem found. */
public enum BatchCheck {
    OK("ok"),
    EMPTY("no batch in the request"),
    TRUNCATED("a batch is truncated: its length runs past the end of the bytes sent"),
    BAD_LENGTH("a batch length is smaller than the batch header"),
    BAD_MAGIC("unknown batch format (magic byte); this broker reads format v1 (magic 2)"),
    BAD_CRC("batch CRC-32C does not match its contents"),
    BAD_RECORDS("the records inside a batch do not match its header (count, offsets or lengths)"),
    UNSUPPORTED_COMPRESSION("compressed batches are not supported yet"),
    TOO_LARGE("a batch is larger than the topic's max.message.bytes");

    private final String message;

    BatchCheck(String message) {
        this.message = message;
    }

    /** A sentence a user can act on. */
    public String message() {
        return message;
    }
}
