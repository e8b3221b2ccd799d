package dev.minikafka.broker.rest;

import java.util.List;
import java.util.Map;

import dev.minikafka.client.Acks;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Body of {@code POST /api/v1/topics/{topic}/records}.
 *
 * @param acks null means {@code LEADER}
 */
public record ProduceRecordsRequest(List<Record> records, Acks acks) {

    /**
     * One record. Give the value as UTF-8 text ({@code value}) or as base64 ({@code valueBase64}), exactly one
     * of the two; the key likewise, or neither for a keyless record.
     *
     * @param partition null picks one: murmur2 of the key for keyed records, round-robin for keyless ones
     * @param timestamp create time in epoch milliseconds; null means now
     */
    public record Record(
            @Schema(example = "c-17") String key,
            String keyBase64,
            @Schema(example = "{\"amount\":10}") String value,
            String valueBase64,
            Map<String, String> headers,
            Integer partition,
            Long timestamp) {
    }
}
