package dev.minikafka.broker.rest;

import java.util.List;
import java.util.Map;

/**
 * Body of a records browse.
 *
 * @param nextOffset where the next page starts: one past the last record returned, or the requested start
 *                   when none was
 */
public record RecordsPage(
        String topic,
        int partition,
        long logStartOffset,
        long logEndOffset,
        long nextOffset,
        List<Record> records) {

    /**
     * One decoded record. A key or value is UTF-8 text when its bytes are valid UTF-8 ({@code utf8}), else
     * base64 ({@code base64}); a null key or value stays null, with a null encoding. Header values are
     * given the same way, as text when valid UTF-8 and base64 otherwise.
     */
    public record Record(
            long offset,
            long timestamp,
            String key,
            String keyEncoding,
            String value,
            String valueEncoding,
            Map<String, String> headers) {
    }
}
