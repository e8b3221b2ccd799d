package dev.minikafka.broker.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.minikafka.broker.quota.Quota;
import dev.minikafka.broker.quota.QuotaKind;
import dev.minikafka.broker.quota.QuotaManager;
import dev.minikafka.broker.support.BrokerOverLoopback;
import tools.jackson.databind.JsonNode;

/** The quota endpoints over real HTTP: overrides set, read, listed and removed, and their errors. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RestQuotasTest extends BrokerOverLoopback {

    private static AdminApi api;

    @BeforeAll
    static void connect() {
        api = new AdminApi(broker);
    }

    @Test
    void setsReadsListsAndRemovesAnOverride() {
        AdminApi.Response set = api.put("/api/v1/quotas/producer/payments-service",
                "{\"eventsPerSecond\":5000,\"bytesPerSecond\":1048576}");

        assertThat(set.status()).isEqualTo(200);
        assertThat(broker.getBean(QuotaManager.class).effective(QuotaKind.PRODUCER, "payments-service"))
                .isEqualTo(new Quota(5000, 1_048_576));
        JsonNode effective = api.get("/api/v1/quotas/producer/payments-service").body();
        assertThat(effective.get("eventsPerSecond").asLong()).isEqualTo(5000);
        JsonNode listed = api.get("/api/v1/quotas").body();
        assertThat(listed.get("defaults").get("producer").get("eventsPerSecond").asLong()).isZero();
        assertThat(listed.get("overrides")).anySatisfy(o -> {
            assertThat(o.get("kind").asString()).isEqualTo("producer");
            assertThat(o.get("name").asString()).isEqualTo("payments-service");
        });

        assertThat(api.delete("/api/v1/quotas/producer/payments-service").status()).isEqualTo(204);
        assertThat(api.get("/api/v1/quotas/producer/payments-service").body().get("eventsPerSecond").asLong())
                .as("the default again").isZero();
        assertThat(api.delete("/api/v1/quotas/producer/payments-service").status()).isEqualTo(404);
    }

    @Test
    void refusesBadQuotasWithProblemDetails() {
        AdminApi.Response negative = api.put("/api/v1/quotas/topic/payments", "{\"eventsPerSecond\":-1}");
        AdminApi.Response consumerEvents = api.put("/api/v1/quotas/consumer/reader", "{\"eventsPerSecond\":10}");
        AdminApi.Response unknownKind = api.put("/api/v1/quotas/planet/mars", "{\"bytesPerSecond\":10}");

        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.detail()).contains("must not be negative");
        assertThat(consumerEvents.status()).isEqualTo(400);
        assertThat(consumerEvents.detail()).contains("bytes per second only");
        assertThat(unknownKind.status()).isEqualTo(404);
        assertThat(unknownKind.detail()).contains("use producer, topic or consumer");
    }
}
