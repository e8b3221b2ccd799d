package dev.minikafka.broker.rest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/** Records over HTTP: produce (for curl and load tools) and browse by offset or time. */
@RestController
@RequestMapping("/api/v1/topics/{topic}")
@Tag(name = "records")
class RecordsController {

    private final RecordProducer producer;
    private final RecordBrowser browser;

    RecordsController(RecordProducer producer, RecordBrowser browser) {
        this.producer = producer;
        this.browser = browser;
    }

    @PostMapping("/records")
    @Operation(summary = "Produce records; answers with each record's partition and offset, in request order", responses = {
            @ApiResponse(responseCode = "200", description = "appended (acknowledged per acks)"),
            @ApiResponse(responseCode = "400", description = "invalid records, partition or acks"),
            @ApiResponse(responseCode = "404", description = "no such topic (and auto-create is off)"),
            @ApiResponse(responseCode = "413", description = "body or a partition's batch too large"),
            @ApiResponse(responseCode = "429", description = "a partition's append queue is full, or the client or topic is"
                    + " over its quota; retry after Retry-After") })
    ProduceRecordsResponse produce(@PathVariable String topic, @RequestBody ProduceRecordsRequest request,
            @RequestHeader(name = "X-Client-Id", required = false) String clientId) {
        return producer.produce(topic, request, clientId == null || clientId.isBlank() ? "http" : clientId);
    }

    @GetMapping("/partitions/{partition}/records")
    @Operation(summary = "Browse a partition's records from an offset, a time, or the log start", responses = {
            @ApiResponse(responseCode = "200", description = "a page of records and the offset to go on from"),
            @ApiResponse(responseCode = "400", description = "offset outside the log, both offset and timestamp, bad limit"),
            @ApiResponse(responseCode = "404", description = "no such topic or partition") })
    RecordsPage browse(@PathVariable String topic, @PathVariable int partition,
            @Parameter(description = "first offset; must lie in [logStartOffset, logEndOffset]") @RequestParam(required = false) Long offset,
            @Parameter(description = "epoch ms: start at the first record at or after it") @RequestParam(required = false) Long timestamp,
            @Parameter(description = "records per page, 1..1000 (default 100)") @RequestParam(required = false) Integer limit) {
        return browser.browse(topic, partition, offset, timestamp, limit);
    }
}
