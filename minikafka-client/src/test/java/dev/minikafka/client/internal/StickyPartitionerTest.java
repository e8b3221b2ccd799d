package dev.minikafka.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StickyPartitionerTest {

    @Test
    void keepsAPartitionUntilItsBatchFillsThenMovesToAnother() {
        StickyPartitioner sticky = new StickyPartitioner();
        int first = sticky.partition("t", 4);
        for (int i = 0; i < 100; i++) {
            assertThat(sticky.partition("t", 4)).isEqualTo(first);
        }
        sticky.batchFull("t", first, 4);
        int second = sticky.partition("t", 4);
        assertThat(second).isNotEqualTo(first).isBetween(0, 3);
    }

    @Test
    void aStaleBatchFullDoesNotMoveTheTopicAgain() {
        StickyPartitioner sticky = new StickyPartitioner();
        int first = sticky.partition("t", 8);
        sticky.batchFull("t", first, 8);
        int second = sticky.partition("t", 8);
        sticky.batchFull("t", first, 8); // another thread saw the same batch fill
        assertThat(sticky.partition("t", 8)).isEqualTo(second);
    }

    @Test
    void aSinglePartitionTopicAlwaysGetsPartitionZero() {
        StickyPartitioner sticky = new StickyPartitioner();
        sticky.batchFull("one", 0, 1);
        assertThat(sticky.partition("one", 1)).isZero();
    }
}
