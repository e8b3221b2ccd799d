package dev.minikafka.broker.rest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import dev.minikafka.broker.group.GroupCoordinator;
import dev.minikafka.broker.group.GroupException;
import dev.minikafka.broker.log.PartitionLog;
import dev.minikafka.broker.topic.Topic;
import dev.minikafka.broker.topic.TopicRegistry;
import dev.minikafka.client.TopicPartition;

/**
 * Works out the offsets a reset asks for (earliest, latest, by time, or one offset, per chosen partition)
 * and commits them through the coordinator, which allows it only while the group has no live members.
 */
@Component
class OffsetResets {

    /** How long a reset waits for the database before answering 503. */
    private static final long STORE_TIMEOUT_SECONDS = 30;

    private final GroupCoordinator coordinator;
    private final TopicRegistry topics;

    OffsetResets(GroupCoordinator coordinator, TopicRegistry topics) {
        this.coordinator = coordinator;
        this.topics = topics;
    }

    /** Returns the committed offsets after the reset, per {@code topic-partition}. */
    Map<String, Long> reset(String groupId, ResetOffsetsRequest request) {
        Target target = Target.of(request);
        List<TopicPartition> partitions = request.topics() == null
                ? List.copyOf(coordinator.describe(groupId).committed().keySet())
                : partitionsOf(request.topics());
        if (partitions.isEmpty()) {
            throw ApiException.badRequest("group '" + groupId + "' has no committed offsets to reset; name the topics"
                    + " to reset with \"topics\"");
        }
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            offsets.put(tp, target.offsetIn(logOf(tp), request));
        }
        await(coordinator.resetOffsets(groupId, offsets));
        Map<String, Long> answer = new LinkedHashMap<>();
        offsets.forEach((tp, offset) -> answer.put(tp.toString(), offset));
        return answer;
    }

    private List<TopicPartition> partitionsOf(List<String> names) {
        if (names.isEmpty()) {
            throw ApiException.badRequest("\"topics\" is empty; leave it out to reset every partition the group committed on");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (String name : names) {
            Topic topic = topics.get(name);
            for (int p = 0; p < topic.partitionCount(); p++) {
                partitions.add(new TopicPartition(name, p));
            }
        }
        return partitions;
    }

    private PartitionLog logOf(TopicPartition tp) {
        Topic topic = topics.get(tp.topic());
        if (!topic.hasPartition(tp.partition())) {
            throw ApiException.badRequest(topic.partitionProblem(tp.partition()));
        }
        return topic.log(tp.partition());
    }

    private static void await(java.util.concurrent.CompletableFuture<Void> stored) {
        try {
            stored.get(STORE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupException g) {
                throw g;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "the offset store did not answer within "
                    + STORE_TIMEOUT_SECONDS + " s; the reset may or may not have been stored");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "interrupted while storing the reset");
        }
    }

    /** Where a reset moves each partition. */
    private enum Target {
        EARLIEST, LATEST, TIMESTAMP, OFFSET;

        static Target of(ResetOffsetsRequest request) {
            if (request.to() == null) {
                throw ApiException.badRequest("\"to\" is required: earliest, latest, timestamp or offset");
            }
            Target target;
            try {
                target = valueOf(request.to().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("\"to\" must be earliest, latest, timestamp or offset, got '" + request.to() + "'");
            }
            if (target == TIMESTAMP && (request.timestamp() == null || request.timestamp() < 0)) {
                throw ApiException.badRequest("to=timestamp needs \"timestamp\": epoch milliseconds (>= 0)");
            }
            if (target == OFFSET && (request.offset() == null || request.offset() < 0)) {
                throw ApiException.badRequest("to=offset needs \"offset\": a non-negative offset");
            }
            return target;
        }

        long offsetIn(PartitionLog log, ResetOffsetsRequest request) {
            return switch (this) {
                case EARLIEST -> log.logStartOffset();
                case LATEST -> log.logEndOffset();
                case OFFSET -> Math.clamp(request.offset(), log.logStartOffset(), log.logEndOffset());
                case TIMESTAMP -> {
                    try {
                        yield log.offsetForTimestamp(request.timestamp());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            };
        }
    }
}
