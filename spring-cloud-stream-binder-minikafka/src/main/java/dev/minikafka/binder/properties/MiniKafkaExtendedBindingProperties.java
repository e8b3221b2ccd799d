package dev.minikafka.binder.properties;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.cloud.stream.binder.AbstractExtendedBindingProperties;
import org.springframework.cloud.stream.binder.BinderSpecificPropertiesProvider;

/**
 * Per-binding MiniKafka settings: {@code spring.cloud.stream.minikafka.bindings.<name>.consumer|producer.*},
 * with {@code spring.cloud.stream.minikafka.default.*} applied to every binding first.
 */
@ConfigurationProperties("spring.cloud.stream.minikafka")
public class MiniKafkaExtendedBindingProperties extends
        AbstractExtendedBindingProperties<MiniKafkaConsumerProperties, MiniKafkaProducerProperties, MiniKafkaBindingProperties> {

    private static final String DEFAULTS_PREFIX = "spring.cloud.stream.minikafka.default";

    @Override
    public String getDefaultsPrefix() {
        return DEFAULTS_PREFIX;
    }

    @Override
    public Map<String, MiniKafkaBindingProperties> getBindings() {
        return doGetBindings();
    }

    @Override
    public Class<? extends BinderSpecificPropertiesProvider> getExtendedPropertiesEntryClass() {
        return MiniKafkaBindingProperties.class;
    }
}
