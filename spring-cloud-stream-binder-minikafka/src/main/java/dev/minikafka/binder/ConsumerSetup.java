package dev.minikafka.binder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRebalanceListener;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.TopicPartition;

/**
 * How one binding's consumers join the broker: as members of {@code group} (the broker assigns partitions),
 * or, for a statically partitioned binding ({@code partitioned}, {@code instanceCount}/{@code instanceIndex}),
 * each with a fixed share of the partitions, starting from and committing to the group's offsets.
 *
 * @param topic      the destination
 * @param group      the broker group: the binding's group, or a unique {@code anonymous.*} one
 * @param anonymous  true when the binding named no group: nothing is committed
 * @param config     the client settings (auto-commit off: the binder commits after processing)
 * @param partitionsOf for static assignment, the partitions of consumer {@code i} given the topic's
 *                   partition count; null for group membership
 */
record ConsumerSetup(String topic, String group, boolean anonymous, ConsumerConfig config,
                     StaticPartitions partitionsOf) {

    /** Which partitions each of a binding's consumers reads when it assigns them itself. */
    record StaticPartitions(List<Integer> instanceIndexes, int instanceCount, int concurrency) {

        /** Partitions {@code p} with {@code p % instanceCount} in our indexes, dealt round-robin over the consumers. */
        List<TopicPartition> forConsumer(String topic, int consumer, int partitionCount) {
            List<TopicPartition> ours = new ArrayList<>();
            int dealt = 0;
            for (int p = 0; p < partitionCount; p++) {
                if (instanceIndexes.contains(p % instanceCount)) {
                    if (dealt++ % concurrency == consumer) {
                        ours.add(new TopicPartition(topic, p));
                    }
                }
            }
            return ours;
        }
    }

    /** Opens consumer {@code index} of the binding: subscribed to the group, or assigned its partitions. */
    MiniKafkaConsumer open(int index, int partitionCount, ConsumerRebalanceListener listener) {
        MiniKafkaConsumer consumer = new MiniKafkaConsumer(config);
        try {
            if (partitionsOf == null) {
                consumer.subscribe(List.of(topic), group, listener);
            } else {
                Collection<TopicPartition> partitions = partitionsOf.forConsumer(topic, index, partitionCount);
                consumer.assign(partitions);
                listener.onPartitionsAssigned(partitions);
            }
            return consumer;
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }
}
