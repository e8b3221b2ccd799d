package dev.minikafka.broker.crash;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.minikafka.broker.crash.CrashPoint;
import dev.minikafka.broker.support.BrokerRunner;

/**
 * The real broker (its executable jar, built by {@code package} before failsafe runs) in a child JVM on a
 * data directory that outlives it, so it can be killed with SIGKILL and started again on the same files.
 * Its output is appended to {@code broker.log} beside the data directory.
 */
final class BrokerChild {

    private final Process process;
    private final int grpcPort;
    private final Path logFile;

    private BrokerChild(Process process, int grpcPort, Path logFile) {
        this.process = process;
        this.grpcPort = grpcPort;
        this.logFile = logFile;
    }

    /**
     * Starts the broker and waits until it is ready, or until it halted at its armed crash point during
     * start-up (then {@link #isAlive} is false).
     *
     * @param crashPoint {@code <point>:<occurrence>} to arm, or null
     */
    static BrokerChild start(Path dataDir, String crashPoint) throws Exception {
        String jar = System.getProperty("crash.brokerJar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("crash.brokerJar must name the broker's -exec.jar (failsafe sets it), got " + jar);
        }
        int grpc = BrokerRunner.freePort();
        int http = BrokerRunner.freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        if (crashPoint != null) {
            command.add("-D" + CrashPoint.PROPERTY + "=" + crashPoint);
        }
        command.addAll(List.of("-jar", jar,
                "--minikafka.broker.data-dir=" + dataDir,
                "--minikafka.broker.retention-check-interval=200ms",
                // a small append queue keeps the written-but-unacknowledged window well inside the retention
                "--minikafka.broker.pending-append-bytes=256KB",
                "--spring.grpc.server.address=127.0.0.1:" + grpc,
                "--server.address=127.0.0.1", "--server.port=" + http,
                "--logging.level.root=WARN", "--logging.level.dev.minikafka.broker.log=INFO"));
        Path logFile = dataDir.resolveSibling("broker.log");
        Files.writeString(logFile, "---- start " + (crashPoint == null ? "" : "armed " + crashPoint) + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        BrokerChild child = new BrokerChild(process, grpc, logFile);
        try {
            child.awaitReady(http);
        } catch (Exception e) {
            child.kill();
            throw e;
        }
        return child;
    }

    String bootstrap() {
        return "127.0.0.1:" + grpcPort;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits up to {@code timeout} for the broker to exit by itself (at an armed crash point). */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int exitValue() {
        return process.exitValue();
    }

    /** SIGKILL ({@link Process#destroyForcibly} on Linux), then waits for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    Path logFile() {
        return logFile;
    }

    /** False when the broker halted at its armed crash point during start-up (in recovery). */
    private boolean awaitReady(int httpPort) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                if (process.exitValue() == CrashPoint.EXIT_STATUS) {
                    return false;
                }
                throw new IllegalStateException("the broker exited during start-up (status " + process.exitValue()
                        + "); see " + logFile);
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the broker was not ready within 300 s; see " + logFile);
    }
}
