package dev.minikafka.bench.jmeter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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

import dev.minikafka.bench.testing.BrokerProcess;
import dev.minikafka.bench.testing.ChildProcess;

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

    private static final Duration JMETER_RUN = Duration.ofSeconds(120);
    private static final int RECORDS_PER_REQUEST = 10;
    private static final String TOPIC = "smoke";
    private static final Pattern LOAD = Pattern.compile("produce records|browse records");

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void planRunsCleanAgainstABrokerOfItsOwn(@TempDir Path dataDir) throws Exception {
        Path workDir = Path.of(BrokerProcess.requiredProperty("jmeter.smoke.dir"));
        deleteRecursively(workDir);
        Files.createDirectories(workDir);

        try (BrokerProcess broker = BrokerProcess.start(dataDir, workDir)) {
            Path results = workDir.resolve("results.csv");
            int exit;
            try (ChildProcess jmeter = startJMeter(broker.httpPort(), results, workDir)) {
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
            assertThat(broker.recordsIn(TOPIC)).isEqualTo(produced);
        }
    }

    private ChildProcess startJMeter(int httpPort, Path results, Path workDir) throws IOException {
        JsonNode configuration = jmeterConfiguration();
        Path home = Path.of(configuration.path("jmeterDirectoryPath").asText());
        Path launcher = home.resolve("bin").resolve(configuration.path("runtimeJarName").asText());
        List<String> command = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx512m", "-XX:TieredStopAtLevel=1", "-jar", launcher.toString(),
                "-n", "-t", BrokerProcess.requiredProperty("jmeter.plan"),
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
        Path config = Path.of(BrokerProcess.requiredProperty("jmeter.config"));
        assertThat(config).as("written by jmeter-maven-plugin's configure goal (pre-integration-test phase)").exists();
        for (JsonNode configuration : json.readTree(config.toFile()).path("configurations")) {
            if (configuration.path("executionID").asText().equals("configuration")) {
                return configuration;
            }
        }
        throw new AssertionError("no 'configuration' execution in " + config);
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
