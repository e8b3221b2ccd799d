package dev.minikafka.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class Murmur2PartitionerTest {

    private static int hash(String s) {
        return Murmur2Partitioner.murmur2(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void hashesLikeKafkasJavaClient() {
        // The reference values of Kafka's own murmur2 test: the same key must land on the same partition.
        assertThat(hash("21")).isEqualTo(-973932308);
        assertThat(hash("foobar")).isEqualTo(-790332482);
        assertThat(hash("a-little-bit-long-string")).isEqualTo(-985981536);
        assertThat(hash("a-little-bit-longer-string")).isEqualTo(-1486304829);
        assertThat(hash("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")).isEqualTo(-58897971);
        assertThat(hash("abc")).isEqualTo(479470107);
    }

    @Test
    void mapsNegativeHashesToPositivePartitionsTheKafkaWay() {
        // toPositive(-790332482) = 1357151166, and 1357151166 % 50 = 16
        assertThat(Murmur2Partitioner.partition("foobar", 50)).isEqualTo(16);
        for (int i = 0; i < 1000; i++) {
            assertThat(Murmur2Partitioner.partition("key-" + i, 7)).isBetween(0, 6);
        }
    }
}
