package dev.minikafka.demo.analytics;

import dev.minikafka.demo.common.PaymentEvent;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.stream.binder.test.EnableTestBinder;
import org.springframework.cloud.stream.binder.test.InputDestination;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Events through the binding end up in /analytics/summary and /stats. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.cloud.stream.default-binder=integration")
@EnableTestBinder
class AnalyticsServiceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    InputDestination input;
    @LocalServerPort
    int port;

    private Map<String, Object> get(String path) {
        return RestClient.create("http://127.0.0.1:" + port).get().uri(path).retrieve()
                .body(new ParameterizedTypeReference<>() { });
    }

    private static Message<byte[]> batch(List<PaymentEvent> events) {
        return MessageBuilder.withPayload(JSON.writeValueAsBytes(events)).setHeader("contentType", "application/json").build();
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldServeTheAggregatesOfConsumedEvents() {
        Instant now = Instant.now();
        List<PaymentEvent> events = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            events.add(new PaymentEvent("p" + i, "o" + i, i < 4 ? "dave" : "erin", new BigDecimal("2.50"), "CHF",
                    "APPLE_PAY", now));
        }
        // Batch mode: a binder delivers a poll's records as one List; two batches here.
        input.send(batch(events.subList(0, 4)), "payments");
        input.send(batch(events.subList(4, 6)), "payments");

        Map<String, Object> summary = get("/analytics/summary");
        assertThat(summary).containsEntry("window", "PT1H").containsEntry("events", 6);
        assertThat((Map<String, Object>) ((Map<String, Object>) summary.get("perCurrency")).get("CHF"))
                .containsEntry("events", 6).containsEntry("revenue", 15.0);
        List<Map<String, Object>> top = (List<Map<String, Object>>) summary.get("topCustomers");
        assertThat(top.get(0)).containsEntry("customer", "dave").containsEntry("events", 4);

        Map<String, Object> stats = get("/stats");
        assertThat(stats).containsEntry("service", "analytics").containsEntry("group", "analytics");
        assertThat((Map<String, Object>) stats.get("events")).containsEntry("total", 6);
        Map<String, Object> endToEnd = (Map<String, Object>) ((Map<String, Object>) stats.get("latencyMs")).get("endToEnd");
        assertThat(endToEnd).containsEntry("count", 6);
        assertThat((Map<String, Object>) stats.get("details")).containsEntry("customers", 2);
    }
}
