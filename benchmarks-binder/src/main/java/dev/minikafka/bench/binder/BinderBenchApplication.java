package dev.minikafka.bench.binder;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The binder benchmark: one ordinary Spring Cloud Stream application run in two JVMs, as the producer
 * (profile {@code producer}: {@link BenchProducer}, {@code StreamBridge}) and as the consumer (profile
 * {@code consumer}: {@link BenchConsumer}, a {@code Consumer<Message<byte[]>>} in a group). The binder is the
 * profile {@code minikafka} or {@code kafka}; nothing else differs. Each role prints its summary and exits.
 */
@SpringBootApplication
@EnableConfigurationProperties(BenchProperties.class)
public class BinderBenchApplication {

    public static void main(String[] args) throws InterruptedException {
        ConfigurableApplicationContext context = SpringApplication.run(BinderBenchApplication.class, args);
        BenchRole role = context.getBean(BenchRole.class);
        boolean complete = role.run();
        System.exit(SpringApplication.exit(context, () -> complete ? 0 : 1));
    }
}
