package dev.minikafka.broker.support;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.minikafka.broker.BrokerApplication;
import dev.minikafka.broker.crash.CrashPoint;

/**
 * The real broker in a JVM of its own, on a data directory that outlives it, for what an in-process broker
 * cannot give: a SIGKILL and a restart on the same files (the crash suite), a heap cap of its own and an
 * {@code OutOfMemoryError} that ends it (the fault tests). It listens on free loopback ports and appends its
 * output to {@code <data-dir>-broker.log} beside the data directory, one {@code ---- start} line per life.
 *
 * <p>Launched from the test class path ({@link #onTestClasspath}, for surefire tests: the jar does not exist
 * yet) or from the built jar ({@link #fromJar}, for failsafe tests: faster to start, see {@link BrokerJar}).
 */
public final class ChildBroker implements AutoCloseable {

    private static final Duration START_BOUND = Duration.ofSeconds(300);

    private final Process process;
    private final Path log;
    private final long logStart;
    private final int grpcPort;
    private final int httpPort;

    private ChildBroker(Process process, Path log, long logStart, int grpcPort, int httpPort) {
        this.process = process;
        this.log = log;
        this.logStart = logStart;
        this.grpcPort = grpcPort;
        this.httpPort = httpPort;
    }

    /** The broker from the test class path with a heap cap, started and ready. */
    public static ChildBroker start(Path dataDir, String maxHeap, String... args) throws IOException, InterruptedException {
        return onTestClasspath().jvmOption("-Xmx" + maxHeap).start(dataDir, args);
    }

    public static Launcher onTestClasspath() {
        return new Launcher(List.of("-cp", System.getProperty("java.class.path"), BrokerApplication.class.getName()))
                .jvmOption("--enable-native-access=ALL-UNNAMED"); // only quiets Netty's warning
    }

    public static Launcher fromJar(BrokerJar jar) {
        return new Launcher(jar.launchArguments());
    }

    /** How to start a child broker; {@link #start} may be called once per life. */
    public static final class Launcher {

        private final List<String> main;
        // Not --enable-native-access with the jar: the JDK's base CDS archive was dumped without it, and the
        // mismatch makes the JVM give up its archived module graph, a good part of what CDS saves.
        private final List<String> jvmOptions = new ArrayList<>(List.of("-XX:+ExitOnOutOfMemoryError"));
        private String crashPoint;

        private Launcher(List<String> main) {
            this.main = List.copyOf(main);
        }

        public Launcher jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /**
         * Arms a {@link CrashPoint} ({@code <point>:<occurrence>}, or null for none): the broker halts with
         * {@link CrashPoint#EXIT_STATUS} when it reaches it, possibly during start-up.
         */
        public Launcher crashPoint(String spec) {
            this.crashPoint = spec;
            return this;
        }

        /**
         * Starts the broker with {@code args} (Spring Boot {@code --name=value}) and waits until it is ready,
         * or until it halted at its armed crash point during start-up ({@link #isAlive} is false then).
         */
        public ChildBroker start(Path dataDir, String... args) throws IOException, InterruptedException {
            int grpcPort = BrokerRunner.freePort();
            int httpPort = BrokerRunner.freePort();
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            if (crashPoint != null) {
                command.add("-D" + CrashPoint.PROPERTY + "=" + crashPoint);
            }
            command.addAll(main);
            command.addAll(List.of("--minikafka.broker.data-dir=" + dataDir,
                    "--spring.grpc.server.address=127.0.0.1:" + grpcPort,
                    "--server.address=127.0.0.1", "--server.port=" + httpPort));
            command.addAll(List.of(args));
            Path log = dataDir.resolveSibling(dataDir.getFileName() + "-broker.log");
            Files.writeString(log, "---- start" + (crashPoint == null ? "" : " armed " + crashPoint) + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            long logStart = Files.size(log);
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            ChildBroker broker = new ChildBroker(process, log, logStart, grpcPort, httpPort);
            try {
                broker.awaitReady(crashPoint != null);
            } catch (IOException | RuntimeException | InterruptedException e) {
                broker.kill();
                throw e;
            }
            return broker;
        }
    }

    private void awaitReady(boolean armed) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(http() + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + START_BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                if (armed && process.exitValue() == CrashPoint.EXIT_STATUS) {
                    return;
                }
                throw new IllegalStateException("the broker exited during start-up (status " + process.exitValue() + "): "
                        + tail());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the broker was not ready within " + START_BOUND + ": " + tail());
    }

    public String bootstrap() {
        return "127.0.0.1:" + grpcPort;
    }

    public String http() {
        return "http://127.0.0.1:" + httpPort;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits up to {@code timeout} for the broker to exit by itself (at an armed crash point, or out of memory). */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** SIGKILL ({@link Process#destroyForcibly} on Linux), then waits for the process to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM (a graceful stop), then SIGKILL if it takes longer than 30 s. */
    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(30));
    }

    /** SIGTERM (a graceful stop), then SIGKILL if it takes longer than {@code grace}. */
    public void stop(Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
        }
    }

    public Path logFile() {
        return log;
    }

    /** What the broker logged in this life. */
    public String output() throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            byte[] bytes = new byte[(int) Math.max(0, file.length() - logStart)];
            file.seek(logStart);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private String tail() throws IOException {
        String all = output();
        return all.substring(Math.max(0, all.length() - 3_000));
    }
}
