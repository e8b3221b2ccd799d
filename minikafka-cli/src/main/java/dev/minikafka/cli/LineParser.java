package dev.minikafka.cli;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.minikafka.client.ProducerRecord;
import dev.minikafka.protocol.Header;

/**
 * Turns one line of input into one record. With a key separator, the text before its first occurrence is
 * the key and the rest the value ({@code alice:paid 10} with {@code :} gives key {@code alice}, value
 * {@code paid 10}); a line without the separator has no key. Every record gets the same headers.
 */
final class LineParser {

    private final String topic;
    private final String keySeparator;
    private final Integer partition;
    private final List<Header> headers;

    /** {@code keySeparator} and {@code partition} may be null: no keys, and the producer picks partitions. */
    LineParser(String topic, String keySeparator, Integer partition, List<Header> headers) {
        if (keySeparator != null && keySeparator.isEmpty()) {
            throw new IllegalArgumentException("--key-separator must not be empty");
        }
        this.topic = topic;
        this.keySeparator = keySeparator;
        this.partition = partition;
        this.headers = List.copyOf(headers);
    }

    ProducerRecord parse(String line) {
        String key = null;
        String value = line;
        if (keySeparator != null) {
            int at = line.indexOf(keySeparator);
            if (at >= 0) {
                key = line.substring(0, at);
                value = line.substring(at + keySeparator.length());
            }
        }
        return new ProducerRecord(topic, partition, null, key == null ? null : utf8(key), utf8(value), headers);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
