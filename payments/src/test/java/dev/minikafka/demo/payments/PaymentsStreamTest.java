package dev.minikafka.demo.payments;

import dev.minikafka.demo.common.PaymentEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.stream.binder.test.EnableTestBinder;
import org.springframework.cloud.stream.binder.test.OutputDestination;
import org.springframework.messaging.Message;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.cloud.stream.default-binder=integration"})
@EnableTestBinder
class PaymentsStreamTest {

    @Autowired
    PaymentStream stream;
    @Autowired
    OutputDestination output;
    @Autowired
    JsonMapper json;

    @AfterEach
    void stopTheStream() {
        stream.stopEmitting();
        output.clear();
    }

    @Test
    void shouldEmitAtTheSetRateOverAWindow() throws Exception {
        // Far below what the test binder takes even on a 2-core machine loaded 15-fold (about 120/s measured there),
        // so the lower bound tests the pacing, not the machine's speed.
        double rate = 50;
        stream.setEventsPerSecond(rate);
        long started = System.nanoTime();
        stream.startEmitting();
        Thread.sleep(500); // warm-up: the first sends bind the output and load classes
        int warmUp = drain(0).size();

        long windowStart = System.nanoTime();
        Thread.sleep(4_000);
        int window = drain(0).size();
        double windowSeconds = (System.nanoTime() - windowStart) / 1e9;
        stream.stopEmitting();
        double totalSeconds = (System.nanoTime() - started) / 1e9;
        int total = warmUp + window + drain(200).size();

        System.out.printf("warm-up %d, window %.3f s: %d events; %d in %.3f s%n", warmUp, windowSeconds, window, total, totalSeconds);
        // Never ahead of the schedule, and keeping up with it over the window (with room for a busy machine).
        assertThat((double) total).isLessThanOrEqualTo(rate * totalSeconds + 2); // two senders, each may round up one
        assertThat((double) window).isGreaterThanOrEqualTo(rate * windowSeconds * 0.8);
    }

    @Test
    void shouldSendValidPaymentEventsKeyedByCustomerToOnePartitionEach() throws Exception {
        stream.setEventsPerSecond(1_000);
        stream.startEmitting();
        Thread.sleep(500);
        stream.stopEmitting();

        Map<String, Object> partitionOfCustomer = new HashMap<>();
        List<Message<byte[]>> messages = drain(200);
        assertThat(messages).isNotEmpty();
        for (Message<byte[]> message : messages) {
            PaymentEvent event = json.readValue(message.getPayload(), PaymentEvent.class);
            assertThat(event.id()).isNotBlank();
            assertThat(event.orderId()).isEqualTo("ord-" + event.id());
            assertThat(event.amount().scale()).isEqualTo(2);
            assertThat(PaymentGenerator.CURRENCIES).contains(event.currency());
            assertThat(PaymentGenerator.METHODS).contains(event.method());
            assertThat(event.timestamp()).isNotNull();
            Object partition = message.getHeaders().get("scst_partition");
            assertThat(partition).as("partition header").isNotNull();
            Object before = partitionOfCustomer.putIfAbsent(event.customer(), partition);
            if (before != null) {
                assertThat(partition).as("partition of " + event.customer()).isEqualTo(before);
            }
        }
    }

    /** What the output holds now, waiting at most {@code timeoutMillis} for each next message. */
    private List<Message<byte[]>> drain(long timeoutMillis) {
        List<Message<byte[]>> messages = new ArrayList<>();
        Message<byte[]> message;
        while ((message = output.receive(timeoutMillis, "payments")) != null) {
            messages.add(message);
        }
        return messages;
    }
}
