package dev.minikafka.demo.analytics;

import dev.minikafka.demo.common.BrokerNeutrality;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The service must run on any binder: none of its sources or classes refers to a MiniKafka class. */
class BrokerNeutralityTest {

    @Test
    void shouldReferToNoMiniKafkaClass() {
        assertThat(BrokerNeutrality.offendersIn(Path.of(""))).isEmpty();
    }
}
