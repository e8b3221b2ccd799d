package dev.minikafka.broker.fault;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.minikafka.broker.BrokerApplication;
import dev.minikafka.broker.support.BrokerRunner;

/**
 * The broker in a JVM of its own, for tests that need what an in-process broker cannot give: a heap cap of
 * its own (and an {@code OutOfMemoryError} that ends it, so the test sees one). Runs on the test classpath, on
 * free loopback ports, logging to {@code broker.log} beside its data directory.
 */
final class ChildBroker implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int grpcPort;
    private final int httpPort;

    private ChildBroker(Process process, Path log, int grpcPort, int httpPort) {
        this.process = process;
        this.log = log;
        this.grpcPort = grpcPort;
        this.httpPort = httpPort;
    }

    static ChildBroker start(Path dataDir, String maxHeap, String... args) throws IOException, InterruptedException {
        int grpcPort = BrokerRunner.freePort();
        int httpPort = BrokerRunner.freePort();
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-broker.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                BrokerApplication.class.getName(),
                "--minikafka.broker.data-dir=" + dataDir,
                "--spring.grpc.server.port=" + grpcPort,
                "--server.port=" + httpPort));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ChildBroker broker = new ChildBroker(process, log, grpcPort, httpPort);
        broker.awaitListening(Duration.ofSeconds(150));
        return broker;
    }

    private void awaitListening(Duration bound) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker exited with " + process.exitValue() + ": " + tail());
            }
            if (accepts(grpcPort) && accepts(httpPort) && Files.readString(log).contains("Started BrokerApplication")) {
                return;
            }
            Thread.sleep(200);
        }
        close();
        throw new IllegalStateException("the broker did not start within " + bound + ": " + tail());
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String bootstrap() {
        return "127.0.0.1:" + grpcPort;
    }

    String http() {
        return "http://127.0.0.1:" + httpPort;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the broker logged so far. */
    String output() throws IOException {
        return Files.readString(log);
    }

    private String tail() throws IOException {
        String all = output();
        return all.substring(Math.max(0, all.length() - 3_000));
    }

    /** SIGTERM (a graceful stop), then SIGKILL if it takes longer than 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
