package dev.minikafka.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** A record header: a UTF-8 key and an optional byte value. */
public record Header(String key, byte[] value) {

    public Header {
        Objects.requireNonNull(key, "header key");
    }

    public static Header of(String key, String value) {
        return new Header(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    public String valueAsString() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }
}
