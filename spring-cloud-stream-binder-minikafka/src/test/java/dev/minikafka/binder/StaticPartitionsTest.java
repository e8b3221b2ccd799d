package dev.minikafka.binder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.minikafka.client.TopicPartition;

class StaticPartitionsTest {

    @Test
    void shouldGiveEachInstanceThePartitionsWhoseNumberModuloTheCountIsItsIndex() {
        var instance1 = new ConsumerSetup.StaticPartitions(List.of(1), 2, 1);

        assertThat(instance1.forConsumer("t", 0, 6)).containsExactly(tp(1), tp(3), tp(5));
    }

    @Test
    void shouldDealAnInstancesPartitionsAcrossItsConsumers() {
        var instance0 = new ConsumerSetup.StaticPartitions(List.of(0), 2, 2);

        assertThat(instance0.forConsumer("t", 0, 8)).containsExactly(tp(0), tp(4));
        assertThat(instance0.forConsumer("t", 1, 8)).containsExactly(tp(2), tp(6));
    }

    @Test
    void shouldTakeEveryIndexOfAnInstanceIndexList() {
        var instances0And2 = new ConsumerSetup.StaticPartitions(List.of(0, 2), 3, 1);

        assertThat(instances0And2.forConsumer("t", 0, 6)).containsExactly(tp(0), tp(2), tp(3), tp(5));
    }

    private static TopicPartition tp(int partition) {
        return new TopicPartition("t", partition);
    }
}
