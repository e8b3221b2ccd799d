package dev.minikafka.bench.jmeter;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JMeter HTTP plan ({@code benchmarks/jmeter/minikafka-http.jmx}) for a few seconds against a broker of its
 * own, so the plan cannot rot: part of {@code ./mvnw verify} (failsafe, after the broker's exec jar is packaged).
 *
 * <p>The broker is the exec jar, as users run it, on free loopback ports and a temporary data directory; JMeter
 * is the one the jmeter-maven-plugin assembled from Maven Central under {@code target/} (its "configure" goal),
 * the same the "jmeter" profile runs. Both are child JVMs stopped when the test ends, passes or not. Results and
 * the HTML report stay in {@code target/jmeter-smoke/}.
 */
class HttpPlanSmokeIT {

    private static final Duration BROKER_START = Duration.ofSeconds(180);
    private static final Duration JMETER_RUN = Duration.ofSeconds(120);
    private static final int RECORDS_PER_REQUEST = 10;
    private static final String TOPIC = "smoke";
    private static final Pattern LOAD = Pattern.compile("produce records|browse records");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void planRunsCleanAgainstABrokerOfItsOwn(@TempDir Path dataDir) throws Exception {
        Path workDir = Path.of(property("jmeter.smoke.dir"));
        deleteRecursively(workDir);
        Files.createDirectories(workDir);
        int httpPort = freePort();
        int grpcPort = freePort();

        try (ChildProcess broker = startBroker(dataDir, httpPort, grpcPort, workDir)) {
            awaitReady(broker, httpPort);

            Path results = workDir.resolve("results.csv");
            int exit;
            try (ChildProcess jmeter = startJMeter(httpPort, results, workDir)) {
                exit = jmeter.awaitExit(JMETER_RUN);
            }
            assertThat(exit).as("JMeter's exit code; see %s", workDir.resolve("jmeter.log")).isZero();
            assertThat(workDir.resolve("report/index.html")).as("JMeter's HTML report").exists();

            List<JtlReader.Sample> samples = JtlReader.read(results);
            long maxP95 = Long.parseLong(System.getProperty("jmeter.smoke.max-p95-ms", "2000"));
            JtlCheck.Result result = JtlCheck.check(samples, LOAD, 0, maxP95);
            assertThat(result.perLabel()).extracting(LabelSummary::label).containsExactly("browse records", "produce records");
            assertThat(result.failures()).as("thresholds (results in %s)", results).isEmpty();

            // Every acknowledged produce request is in the log, and nothing else is.
            long produced = result.perLabel().stream().filter(s -> s.label().equals("produce records"))
                    .mapToLong(LabelSummary::count).sum() * RECORDS_PER_REQUEST;
            assertThat(recordsInTopic(httpPort)).isEqualTo(produced);
        }
    }

    private static ChildProcess startBroker(Path dataDir, int httpPort, int grpcPort, Path workDir) throws IOException {
        Path execJar = Path.of(property("minikafka.broker.exec-jar"));
        assertThat(execJar).as("the broker's exec jar (built by minikafka-broker's package phase)").exists();
        // C1 only: the smoke needs a quick start on two shared cores, not peak throughput.
        return ChildProcess.start("broker", List.of(ChildProcess.java(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", execJar.toString(),
                "--minikafka.broker.data-dir=" + dataDir,
                "--spring.grpc.server.address=127.0.0.1:" + grpcPort,
                "--server.address=127.0.0.1",
                "--server.port=" + httpPort), workDir, workDir.resolve("broker.log"));
    }

    private ChildProcess startJMeter(int httpPort, Path results, Path workDir) throws IOException {
        JsonNode configuration = jmeterConfiguration();
        Path home = Path.of(configuration.path("jmeterDirectoryPath").asText());
        Path launcher = home.resolve("bin").resolve(configuration.path("runtimeJarName").asText());
        List<String> command = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx512m", "-XX:TieredStopAtLevel=1", "-jar", launcher.toString(),
                "-n", "-t", property("jmeter.plan"),
                "-l", results.toString(), "-j", workDir.resolve("jmeter.log").toString(),
                "-e", "-o", workDir.resolve("report").toString(),
                "-Jhost=127.0.0.1", "-Jport=" + httpPort, "-Jtopic=" + TOPIC, "-Jpartitions=2",
                "-JproduceThreads=2", "-JbrowseThreads=2", "-Jduration=5", "-JrampUp=1",
                "-JrecordsPerRequest=" + RECORDS_PER_REQUEST,
                // no UDP shutdown listener: nothing but the broker's loopback ports is opened
                "-Jjmeterengine.nongui.port=0"));
        return ChildProcess.start("jmeter", command, home.resolve("bin"), workDir.resolve("jmeter.out"));
    }

    /** The JMeter installation the plugin's "configure" goal wrote down in target/config.json. */
    private JsonNode jmeterConfiguration() throws IOException {
        Path config = Path.of(property("jmeter.config"));
        assertThat(config).as("written by jmeter-maven-plugin's configure goal (pre-integration-test phase)").exists();
        for (JsonNode configuration : json.readTree(config.toFile()).path("configurations")) {
            if (configuration.path("executionID").asText().equals("configuration")) {
                return configuration;
            }
        }
        throw new AssertionError("no 'configuration' execution in " + config);
    }

    private void awaitReady(ChildProcess broker, int httpPort) throws InterruptedException {
        URI readiness = URI.create("http://127.0.0.1:" + httpPort + "/actuator/health/readiness");
        long deadline = System.nanoTime() + BROKER_START.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(broker.isAlive()).as("%s exited during start-up", broker).isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(readiness).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError(broker + " was not ready within " + BROKER_START);
    }

    private long recordsInTopic(int httpPort) throws IOException, InterruptedException {
        URI topic = URI.create("http://127.0.0.1:" + httpPort + "/api/v1/topics/" + TOPIC);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(topic).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        long records = 0;
        for (JsonNode partition : json.readTree(response.body()).path("partitions")) {
            records += partition.path("logEndOffset").asLong();
        }
        return records;
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        assertThat(value).as("system property %s (set by benchmarks/pom.xml for failsafe)", name).isNotBlank();
        return value;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
