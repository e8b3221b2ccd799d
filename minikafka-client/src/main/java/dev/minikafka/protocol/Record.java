package dev.minikafka.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One decoded record, as a consumer sees it. Brokers never build these: they move whole batches.
 *
 * @param offset    the record's offset in its partition
 * @param timestamp create time, or log-append time if the topic uses it
 * @param key       null when the record has no key
 * @param value     null for a tombstone
 */
public record Record(long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {

    public String keyAsString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    public String valueAsString() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }
}
