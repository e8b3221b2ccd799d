package dev.minikafka.demo.orders;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * A MiniKafka broker in a child JVM, from the broker's executable jar (a test dependency of this module),
 * on free loopback ports and a temporary data directory. Its own JVM because the broker's Flyway
 * migrations and Orders' would meet on one classpath.
 */
final class BrokerProcess implements AutoCloseable {

    /** Generous: on a shared 2-core machine under other builds the broker took over 90 s to start. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);

    private final Process process;
    private final int grpcPort;
    private final Path dataDir;

    private BrokerProcess(Process process, int grpcPort, Path dataDir) {
        this.process = process;
        this.grpcPort = grpcPort;
        this.dataDir = dataDir;
    }

    static BrokerProcess start() throws Exception {
        String jar = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> p.contains("minikafka-broker") && p.endsWith("-exec.jar")).findFirst()
                .orElseThrow(() -> new IllegalStateException("the broker's -exec.jar is not on the test classpath"));
        int grpc = freePort();
        int http = freePort();
        Path data = Files.createTempDirectory("orders-e2e-broker");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar,
                "--minikafka.broker.data-dir=" + data,
                "--spring.grpc.server.address=127.0.0.1:" + grpc,
                "--server.address=127.0.0.1", "--server.port=" + http)
                .redirectErrorStream(true).redirectOutput(data.resolve("broker.log").toFile()).start();
        BrokerProcess broker = new BrokerProcess(process, grpc, data);
        try {
            broker.awaitReady(http);
        } catch (Exception e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    String bootstrap() {
        return "127.0.0.1:" + grpcPort;
    }

    private void awaitReady(int httpPort) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker exited during start-up; see " + dataDir.resolve("broker.log"));
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the broker was not ready within " + START_TIMEOUT.toSeconds() + " s; see " + dataDir.resolve("broker.log"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
