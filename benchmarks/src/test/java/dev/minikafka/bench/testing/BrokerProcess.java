package dev.minikafka.bench.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A broker of an integration test's own, started as users start it: the exec jar that minikafka-broker's package
 * phase built (system property {@code minikafka.broker.exec-jar}, set by benchmarks/pom.xml for failsafe), on free
 * loopback ports and a data directory the test owns. Closing it stops it (SIGTERM, so it shuts down cleanly).
 */
public final class BrokerProcess implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(180);

    private final ChildProcess process;
    private final int grpcPort;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    private BrokerProcess(ChildProcess process, int grpcPort, int httpPort) {
        this.process = process;
        this.grpcPort = grpcPort;
        this.httpPort = httpPort;
    }

    /** Starts the broker with its data in {@code dataDir} and its log in {@code workDir}, and waits until it is ready. */
    public static BrokerProcess start(Path dataDir, Path workDir) throws IOException, InterruptedException {
        Path execJar = Path.of(requiredProperty("minikafka.broker.exec-jar"));
        if (!Files.exists(execJar)) {
            throw new AssertionError("the broker's exec jar " + execJar + " is missing (built by minikafka-broker's package phase)");
        }
        int grpcPort = freePort();
        int httpPort = freePort();
        // C1 only: a test needs a quick start on two shared cores, not peak throughput.
        ChildProcess process = ChildProcess.start("broker", List.of(ChildProcess.java(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-jar", execJar.toString(),
                "--minikafka.broker.data-dir=" + dataDir,
                "--spring.grpc.server.address=127.0.0.1:" + grpcPort,
                "--server.address=127.0.0.1",
                "--server.port=" + httpPort), workDir, workDir.resolve("broker.log"));
        BrokerProcess broker = new BrokerProcess(process, grpcPort, httpPort);
        try {
            broker.awaitReady();
        } catch (RuntimeException | Error | InterruptedException e) {
            process.close();
            throw e;
        }
        return broker;
    }

    /** {@code 127.0.0.1:<gRPC port>}, what clients and the load generator take as {@code --bootstrap}. */
    public String bootstrap() {
        return "127.0.0.1:" + grpcPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** The records a topic holds, from the admin API: the sum of its partitions' log end offsets. */
    public long recordsIn(String topic) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + httpPort + "/api/v1/topics/" + topic);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + uri + " answered " + response.statusCode() + ": " + response.body());
        }
        long records = 0;
        for (JsonNode partition : json.readTree(response.body()).path("partitions")) {
            records += partition.path("logEndOffset").asLong();
        }
        return records;
    }

    private void awaitReady() throws InterruptedException {
        URI readiness = URI.create("http://127.0.0.1:" + httpPort + "/actuator/health/readiness");
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(process + " exited during start-up");
            }
            try {
                if (http.send(HttpRequest.newBuilder(readiness).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError(process + " was not ready within " + START);
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }

    @Override
    public String toString() {
        return process.toString();
    }

    /** A system property that benchmarks/pom.xml sets for failsafe. */
    public static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new AssertionError("system property " + name + " is not set (benchmarks/pom.xml sets it for failsafe)");
        }
        return value;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
