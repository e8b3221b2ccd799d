package dev.minikafka.binder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** IDEs complete the binder's properties from the metadata the configuration processor writes into the jar. */
class ConfigurationMetadataTest {

    @Test
    void shouldDescribeBinderAndPerBindingDefaultProperties() throws IOException {
        String metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(metadata).contains("\"spring.cloud.stream.minikafka.binder.brokers\"", "\"127.0.0.1:9092\"",
                "\"spring.cloud.stream.minikafka.binder.producer.acks\"",
                "\"spring.cloud.stream.minikafka.binder.min-partition-count\"",
                "\"spring.cloud.stream.minikafka.default.consumer.enable-dlq\"",
                "\"spring.cloud.stream.minikafka.default.producer.sync\"",
                "\"spring.cloud.stream.minikafka.binder.security.trust-store\"",
                "\"spring.cloud.stream.minikafka.binder.security.key-store\"",
                "\"spring.cloud.stream.minikafka.binder.security.token\"");
    }
}
