package dev.minikafka.broker.rest;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

import dev.minikafka.broker.config.BrokerProperties;
import dev.minikafka.broker.topic.Topic;
import dev.minikafka.broker.topic.TopicRegistry;
import dev.minikafka.broker.topic.TopicSettings;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/** Topics over HTTP: the same {@link TopicRegistry} the gRPC Admin service manages. */
@RestController
@RequestMapping("/api/v1/topics")
@Tag(name = "topics")
class TopicsController {

    private final TopicRegistry topics;
    private final TopicDescriber describer;
    private final BrokerProperties properties;

    TopicsController(TopicRegistry topics, TopicDescriber describer, BrokerProperties properties) {
        this.topics = topics;
        this.describer = describer;
        this.properties = properties;
    }

    @GetMapping
    @Operation(summary = "List topics", responses = @ApiResponse(responseCode = "200", description = "every topic, by name"))
    TopicList list() {
        return new TopicList(topics.list().stream().map(t -> new TopicList.Entry(t.name(), t.partitionCount())).toList());
    }

    @PostMapping
    @Operation(summary = "Create a topic", responses = {
            @ApiResponse(responseCode = "201", description = "created; Location names the topic"),
            @ApiResponse(responseCode = "400", description = "bad name, partition count or config"),
            @ApiResponse(responseCode = "409", description = "a topic by that name exists"),
            @ApiResponse(responseCode = "503", description = "the metadata store is unavailable; nothing was created") })
    ResponseEntity<TopicDetails> create(@RequestBody NewTopicRequest request, UriComponentsBuilder uri) {
        int partitions = request.partitions() == null ? properties.defaultPartitions() : request.partitions();
        TopicSettings settings = request.config() == null ? TopicSettings.none() : request.config();
        Topic topic = topics.create(request.name(), partitions, settings);
        URI location = uri.path("/api/v1/topics/{topic}").buildAndExpand(topic.name()).toUri();
        return ResponseEntity.created(location).body(describer.describe(topic));
    }

    @GetMapping("/{topic}")
    @Operation(summary = "Describe a topic: config and per-partition offsets, sizes and queue depth", responses = {
            @ApiResponse(responseCode = "200", description = "the topic"),
            @ApiResponse(responseCode = "404", description = "no such topic") })
    TopicDetails describe(@PathVariable String topic) {
        return describer.describe(topics.get(topic));
    }

    @DeleteMapping("/{topic}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a topic and its data", responses = {
            @ApiResponse(responseCode = "204", description = "deleted"),
            @ApiResponse(responseCode = "404", description = "no such topic"),
            @ApiResponse(responseCode = "503", description = "the metadata store is unavailable; the topic is still there") })
    void delete(@PathVariable String topic) {
        topics.delete(topic);
    }
}
