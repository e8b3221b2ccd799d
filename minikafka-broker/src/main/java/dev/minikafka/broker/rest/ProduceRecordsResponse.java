package dev.minikafka.broker.rest;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Body answering a produce: one result per record, in request order. */
public record ProduceRecordsResponse(String topic, List<Result> results) {

    /**
     * @param offset    the record's offset; absent with {@code acks=NONE}, which does not wait for the append
     * @param timestamp the record's timestamp as stored (log-append time on such topics); absent with
     *                  {@code acks=NONE}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(int partition, Long offset, Long timestamp) {
    }
}
