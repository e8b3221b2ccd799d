package dev.minikafka.broker.support;

import java.nio.file.Path;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import dev.minikafka.broker.BrokerApplication;

/** Starts the real broker application on ephemeral ports and a given data directory. */
public final class BrokerRunner {

    private BrokerRunner() {
    }

    public static ConfigurableApplicationContext start(Path dataDir, String... extraArgs) {
        return start(dataDir, 0, extraArgs);
    }

    /** Starts the broker on a fixed gRPC port, for tests that restart it where clients expect it. */
    public static ConfigurableApplicationContext start(Path dataDir, int grpcPort, String... extraArgs) {
        return SpringApplication.run(BrokerApplication.class, args(dataDir, grpcPort, extraArgs));
    }

    /**
     * Starts the broker with {@code bean} registered in its context too: a test double such as a
     * {@code @GlobalServerInterceptor} ({@link StallingInterceptor}).
     */
    public static ConfigurableApplicationContext startWith(Path dataDir, Object bean, String... extraArgs) {
        SpringApplication application = new SpringApplication(BrokerApplication.class);
        application.addInitializers(context -> context.getBeanFactory().registerSingleton(bean.getClass().getName(), bean));
        return application.run(args(dataDir, 0, extraArgs));
    }

    private static String[] args(Path dataDir, int grpcPort, String... extraArgs) {
        String[] args = new String[3 + extraArgs.length];
        args[0] = "--minikafka.broker.data-dir=" + dataDir;
        args[1] = "--spring.grpc.server.port=" + grpcPort;
        args[2] = "--server.port=0";
        System.arraycopy(extraArgs, 0, args, 3, extraArgs.length);
        return args;
    }

    /** A port free right now on loopback. */
    public static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static int grpcPort(ConfigurableApplicationContext context) {
        return context.getBean(GrpcServerLifecycle.class).getPort();
    }
}
