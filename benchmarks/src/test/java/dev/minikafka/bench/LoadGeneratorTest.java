package dev.minikafka.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class LoadGeneratorTest {

    @Test
    void badOptionsAreAUsageError() {
        assertThat(LoadGenerator.run("produce", "--records", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(LoadGenerator.run("produce", "--bootstrap", "nohost")).isEqualTo(ExitCodes.USAGE);
        assertThat(LoadGenerator.run("e2e", "--duration", "10s", "--timeout", "5s")).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void anUnreachableBrokerIsReportedInOneLine() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = LoadGenerator.run("produce", "--bootstrap", "127.0.0.1:" + port, "--records", "10", "--timeout", "10s");
            assertThat(code).isEqualTo(ExitCodes.BROKER_UNREACHABLE);
        } finally {
            System.setErr(originalErr);
        }
    }

    @Test
    void aReportPrintsAsJsonWithRatesDerivedFromTheCounts() throws Exception {
        Report report = Report.of("produce", java.util.Map.of("records", 1000), 1000, 100_000, 2_000_000_000L,
                null, 0, false, java.util.Map.of());
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertThat(json.get("command").asText()).isEqualTo("produce");
        assertThat(json.get("recordsPerSec").asDouble()).isEqualTo(500.0);
        assertThat(json.get("seconds").asDouble()).isEqualTo(2.0);
        assertThat(json.has("latency")).isFalse();
        assertThat(report.toText()).contains("records/s").contains("500.0");
    }
}
