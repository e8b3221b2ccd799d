package dev.minikafka.binder.config;

import java.util.Map;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.cloud.stream.config.BindingHandlerAdvise.MappingsProvider;
import org.springframework.context.annotation.Bean;

/**
 * Lets {@code spring.cloud.stream.minikafka.default.consumer|producer.*} apply to every binding's
 * {@code spring.cloud.stream.minikafka.bindings.<name>.*}, as the Kafka binder does for its own prefix.
 * An auto-configuration of the application context (not the binder's), because the framework binds the
 * extended properties there.
 */
@AutoConfiguration
public class ExtendedBindingHandlerMappingsProviderConfiguration {

    @Bean
    MappingsProvider miniKafkaExtendedPropertiesDefaultMappingsProvider() {
        return () -> Map.of(ConfigurationPropertyName.of("spring.cloud.stream.minikafka.bindings"),
                ConfigurationPropertyName.of("spring.cloud.stream.minikafka.default"));
    }
}
