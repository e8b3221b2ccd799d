package dev.minikafka.demo.payments;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.stream.binder.test.EnableTestBinder;
import org.springframework.cloud.stream.binder.test.OutputDestination;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.cloud.stream.default-binder=integration"})
@EnableTestBinder
class ControlEndpointTest {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    @LocalServerPort
    int port;
    @Autowired
    PaymentStream stream;
    @Autowired
    OutputDestination output;

    private RestClient client() {
        return RestClient.builder().baseUrl("http://127.0.0.1:" + port)
                .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> { })
                .build();
    }

    @AfterEach
    void stopTheStream() {
        stream.stopEmitting();
        stream.setEventsPerSecond(10_000 / 60.0);
        output.clear();
    }

    @Test
    void shouldReportTheDefaultStateStoppedAtTenThousandPerMinute() {
        Map<String, Object> state = client().get().uri("/control").retrieve().body(JSON);
        assertThat(state).containsEntry("running", false).containsEntry("eventsPerMinute", 10000.0)
                .containsEntry("eventsPerSecond", 166.667);
    }

    @Test
    void shouldStartSetTheRateAndStop() {
        Map<String, Object> started = client().post().uri("/control/start").retrieve().body(JSON);
        assertThat(started).containsEntry("running", true);

        Map<String, Object> perSecond = client().put().uri("/control/rate").contentType(MediaType.APPLICATION_JSON)
                .body("{\"eventsPerSecond\": 500}").retrieve().body(JSON);
        assertThat(perSecond).containsEntry("eventsPerSecond", 500.0).containsEntry("eventsPerMinute", 30000.0);

        Map<String, Object> perMinute = client().put().uri("/control/rate").contentType(MediaType.APPLICATION_JSON)
                .body("{\"eventsPerMinute\": 1200}").retrieve().body(JSON);
        assertThat(perMinute).containsEntry("eventsPerSecond", 20.0).containsEntry("running", true);

        Map<String, Object> stopped = client().post().uri("/control/stop").retrieve().body(JSON);
        assertThat(stopped).containsEntry("running", false).containsEntry("eventsPerMinute", 1200.0);
        assertThat(client().get().uri("/control").retrieve().body(JSON)).containsEntry("running", false);
    }

    @Test
    void shouldAnswer400ProblemDetailsForBadRates() {
        for (String body : new String[] {"{}", "{\"eventsPerSecond\": 1, \"eventsPerMinute\": 60}",
                "{\"eventsPerSecond\": 0}", "{\"eventsPerMinute\": -5}", "{\"eventsPerSecond\": 100001}",
                "{\"eventsPerSecond\": \"fast\"}", "not json"}) {
            var response = client().put().uri("/control/rate").contentType(MediaType.APPLICATION_JSON)
                    .body(body).retrieve().toEntity(JSON);
            assertThat(response.getStatusCode().value()).as(body).isEqualTo(400);
            assertThat(response.getHeaders().getContentType()).as(body)
                    .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(response.getBody()).as(body).containsEntry("status", 400).containsKey("detail");
        }
        assertThat(client().get().uri("/control").retrieve().body(JSON)).containsEntry("eventsPerMinute", 10000.0);
    }

    @Test
    void shouldServeStatsInTheDocumentedShape() {
        Map<String, Object> stats = client().get().uri("/stats").retrieve().body(JSON);
        assertThat(stats).containsKeys("service", "instance", "role", "destination", "group", "time",
                "uptimeSeconds", "events", "latencyMs", "errors", "retries", "dlq", "details");
        assertThat(stats).containsEntry("service", "payments").containsEntry("role", "producer")
                .containsEntry("destination", "payments").containsEntry("group", null);
        assertThat(asMap(stats.get("latencyMs"))).containsKeys("processing", "endToEnd");
        assertThat(asMap(stats.get("details"))).containsKeys("running", "eventsPerMinute", "eventsPerSecond");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }
}
