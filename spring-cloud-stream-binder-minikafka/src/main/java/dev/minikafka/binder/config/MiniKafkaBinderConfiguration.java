package dev.minikafka.binder.config;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.stream.binder.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.minikafka.binder.BinderMetrics;
import dev.minikafka.binder.MiniKafkaBinderHealthIndicator;
import dev.minikafka.binder.MiniKafkaMessageChannelBinder;
import dev.minikafka.binder.properties.MiniKafkaBinderConfigurationProperties;
import dev.minikafka.binder.properties.MiniKafkaExtendedBindingProperties;
import dev.minikafka.binder.provisioning.MiniKafkaTopicProvisioner;

/**
 * The binder's beans, created in the binder's own context when Spring Cloud Stream finds {@code minikafka}
 * in {@code META-INF/spring.binders}: properties, provisioner, binder, metrics, and (with Spring Boot's
 * health support present) the health indicator.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean(Binder.class)
@EnableConfigurationProperties({MiniKafkaBinderConfigurationProperties.class, MiniKafkaExtendedBindingProperties.class})
public class MiniKafkaBinderConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MiniKafkaTopicProvisioner miniKafkaTopicProvisioner(MiniKafkaBinderConfigurationProperties properties) {
        return new MiniKafkaTopicProvisioner(properties);
    }

    @Bean
    @ConditionalOnMissingBean
    BinderMetrics miniKafkaBinderMetrics(ObjectProvider<MeterRegistry> registry) {
        return new BinderMetrics(registry.getIfAvailable());
    }

    @Bean
    MiniKafkaMessageChannelBinder miniKafkaMessageChannelBinder(MiniKafkaBinderConfigurationProperties properties,
            MiniKafkaExtendedBindingProperties extendedProperties, MiniKafkaTopicProvisioner provisioner,
            BinderMetrics metrics) {
        return new MiniKafkaMessageChannelBinder(properties, extendedProperties, provisioner, metrics);
    }

    /** Only with Spring Boot's health support on the classpath, as in the framework's binders. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "miniKafkaBinderHealthIndicator")
        MiniKafkaBinderHealthIndicator miniKafkaBinderHealthIndicator(MiniKafkaBinderConfigurationProperties properties) {
            return new MiniKafkaBinderHealthIndicator(properties);
        }
    }
}
