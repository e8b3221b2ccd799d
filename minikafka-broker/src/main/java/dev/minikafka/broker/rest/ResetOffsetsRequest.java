package dev.minikafka.broker.rest;

import java.util.List;

/**
 * Body of {@code POST /api/v1/groups/{group}/offsets/reset}, shaped after {@code kafka-consumer-groups
 * --reset-offsets}: where to ({@code to}), and which partitions (named topics, or every partition the group
 * has committed on).
 *
 * @param to        {@code earliest}, {@code latest}, {@code timestamp} or {@code offset}
 * @param timestamp epoch milliseconds, with {@code to=timestamp}: the first record at or after it
 * @param offset    with {@code to=offset}: this offset in every chosen partition (clamped into the log)
 * @param topics    every partition of these topics; null = the partitions the group has committed on
 */
public record ResetOffsetsRequest(String to, Long timestamp, Long offset, List<String> topics) {
}
