package dev.minikafka.demo.payments;

import dev.minikafka.demo.common.PaymentEvent;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PaymentGeneratorTest {

    @Test
    void shouldGiveEachSenderItsOwnCustomersAndTogetherAllOfThem() {
        int customers = 10;
        int shards = 3;
        Set<String> all = new HashSet<>();
        for (int shard = 0; shard < shards; shard++) {
            PaymentGenerator generator = new PaymentGenerator(customers, shard, shards, Clock.systemUTC());
            for (int i = 0; i < 2_000; i++) {
                PaymentEvent event = generator.next();
                int customer = Integer.parseInt(event.customer().substring("customer-".length()));
                assertThat(customer % shards).isEqualTo(shard);
                assertThat(customer).isBetween(0, customers - 1);
                all.add(event.customer());
            }
        }
        assertThat(all).hasSize(customers);
    }
}
