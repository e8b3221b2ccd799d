package dev.minikafka.broker.rest;

import dev.minikafka.broker.topic.TopicSettings;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Body of {@code POST /api/v1/topics}.
 *
 * @param partitions null takes the broker's {@code default-partitions}
 * @param config     null, or any subset of the settings; the rest take the broker's topic defaults
 */
public record NewTopicRequest(
        @Schema(example = "payments", requiredMode = Schema.RequiredMode.REQUIRED) String name,
        @Schema(example = "3", description = "defaults to the broker's default-partitions") Integer partitions,
        TopicSettings config) {
}
