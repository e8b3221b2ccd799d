package dev.minikafka.cli.support;

import java.nio.file.Path;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import dev.minikafka.broker.BrokerApplication;

/**
 * Starts the real broker application on ephemeral ports and a given data directory. A copy of the broker
 * module's test helper of the same name: test classes are not shared between modules.
 */
public final class BrokerRunner {

    private BrokerRunner() {
    }

    public static ConfigurableApplicationContext start(Path dataDir, String... extraArgs) {
        String[] args = new String[3 + extraArgs.length];
        args[0] = "--minikafka.broker.data-dir=" + dataDir;
        args[1] = "--spring.grpc.server.port=0";
        args[2] = "--server.port=0";
        System.arraycopy(extraArgs, 0, args, 3, extraArgs.length);
        return SpringApplication.run(BrokerApplication.class, args);
    }

    public static int grpcPort(ConfigurableApplicationContext context) {
        return context.getBean(GrpcServerLifecycle.class).getPort();
    }
}
