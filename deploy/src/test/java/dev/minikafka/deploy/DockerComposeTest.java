package dev.minikafka.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs on our machines, so {@code docker-compose.yml} cannot be started in a test. What
 * can drift is checked instead: every service's ports, environment and healthcheck against the service's
 * own configuration ({@code application.yml}, the aggregator's {@code config.js}), every dependency on a
 * healthcheck that exists, every Dockerfile and Maven module named.
 */
class DockerComposeTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String JAVA_DOCKERFILE = "deploy/java-service.Dockerfile";
    /** Read by the JVM itself, not by application.yml: the broker's Spring AOT switch goes through it. */
    private static final String JVM_OPTIONS_VARIABLE = "JAVA_TOOL_OPTIONS";
    /** {@code ${NAME:default}} in application.yml. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::([^}]*))?}");

    private final Map<String, Object> compose = load(ROOT.resolve("docker-compose.yml"));
    private final Map<String, Map<String, Object>> services = map(compose.get("services"));

    @Test
    void shouldRunTheWholeSystem() {
        assertThat(services).containsKeys("postgres", "broker", "payments", "orders", "notifications", "analytics",
                "aggregator");
        assertThat(map(compose.get("volumes"))).containsKeys("broker-data", "postgres-data");
        assertThat(ports(services.get("aggregator"))).contains("5173:5173");
    }

    @Test
    void shouldGiveEveryServiceAHealthcheckAndStartItAfterWhatItNeedsIsHealthy() {
        services.forEach((name, service) -> {
            assertThat(service).as(name + " has a healthcheck").containsKey("healthcheck");
            Map<String, Map<String, Object>> dependsOn = map(service.getOrDefault("depends_on", Map.of()));
            dependsOn.forEach((dependency, condition) -> {
                assertThat(services).as(name + " depends on a service that exists").containsKey(dependency);
                assertThat(condition).as(name + " waits for " + dependency + " to be healthy")
                        .containsEntry("condition", "service_healthy");
            });
        });
    }

    @Test
    void shouldBuildEveryJavaServiceFromAModuleWhosePortsAndEnvironmentAgreeWithItsApplicationYml() throws IOException {
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> entry : services.entrySet()) {
            Map<String, Object> build = map(entry.getValue().get("build"));
            if (build == null || !JAVA_DOCKERFILE.equals(build.get("dockerfile"))) {
                continue;
            }
            String name = entry.getKey();
            Map<String, Object> service = entry.getValue();
            String module = (String) map(build.get("args")).get("MODULE");
            assertThat(ROOT.resolve(module).resolve("pom.xml")).as(name + "'s module").exists();
            String applicationYml = Files.readString(ROOT.resolve(module).resolve("src/main/resources/application.yml"));
            Map<String, String> placeholders = placeholders(applicationYml);
            Map<String, Object> environment = map(service.get("environment"));

            for (String variable : environment.keySet()) {
                assertThat(placeholders.containsKey(variable) || variable.startsWith("SPRING_")
                        || variable.equals(JVM_OPTIONS_VARIABLE))
                        .as(name + ": " + variable + " is read by " + module + "/application.yml"
                                + " (or binds a Spring property, or is the JVM's options)").isTrue();
            }
            String httpPortVariable = portVariable(applicationYml, "^server");
            String httpPort = String.valueOf(environment.getOrDefault(httpPortVariable, placeholders.get(httpPortVariable)));
            assertThat(ports(service)).as(name + " publishes its HTTP port").contains(httpPort + ":" + httpPort);
            assertThat(String.join(" ", healthcheck(service))).as(name + "'s healthcheck asks its own HTTP port")
                    .contains("http://localhost:" + httpPort + "/actuator/health");
            String args = String.valueOf(map(build.get("args")).getOrDefault("MAVEN_ARGS", ""));
            if (args.contains("-P")) {
                String profile = args.substring(args.indexOf("-P") + 2).split("\\s")[0];
                assertThat(Files.readString(ROOT.resolve("demo-parent/pom.xml"))).as(name + "'s Maven profile")
                        .contains("<id>" + profile + "</id>");
            }
            checked.add(name);
        }
        assertThat(checked).containsExactlyInAnyOrder("broker", "payments", "orders", "notifications", "analytics");
    }

    @Test
    void shouldPublishTheBrokersGrpcPortAsItsConfigurationSaysAndKeepItsDataInAVolume() throws IOException {
        Map<String, Object> broker = services.get("broker");
        String applicationYml = Files.readString(ROOT.resolve("minikafka-broker/src/main/resources/application.yml"));
        String grpcPortVariable = portVariable(applicationYml, "^\\s+grpc");
        String grpcPort = String.valueOf(map(broker.get("environment")).get(grpcPortVariable));
        assertThat(ports(broker)).contains(grpcPort + ":" + grpcPort);
        assertThat(map(broker.get("environment"))).containsEntry("MINIKAFKA_DATA_DIR", "/data");
        assertThat(String.valueOf(map(broker.get("environment")).get(JVM_OPTIONS_VARIABLE)))
                .as("the broker runs in Spring AOT mode, as ./start.sh runs it (scripts/broker-launch.sh)")
                .contains("-Dspring.aot.enabled=true");
        assertThat(Files.readString(ROOT.resolve("scripts/broker-launch.sh"))).contains("-Dspring.aot.enabled=true");
        assertThat(list(broker.get("volumes"))).contains("broker-data:/data");
    }

    @Test
    void shouldConfigureTheAggregatorOnlyWithVariablesItReads() throws IOException {
        Map<String, Object> aggregator = services.get("aggregator");
        String config = Files.readString(ROOT.resolve("aggregator/src/config.js"));
        Map<String, Object> environment = map(aggregator.get("environment"));
        environment.keySet().forEach(variable ->
                assertThat(config).as("aggregator/src/config.js reads " + variable).contains(variable));
        String port = String.valueOf(environment.get("AGGREGATOR_PORT"));
        assertThat(ports(aggregator)).contains(port + ":" + port);
        assertThat(String.join(" ", healthcheck(aggregator))).contains("http://localhost:" + port + "/api/health");
        for (String service : List.of("broker", "payments", "orders", "notifications", "analytics")) {
            String url = String.valueOf(environment.get(service.toUpperCase() + "_URL"));
            String port2 = url.substring(url.lastIndexOf(':') + 1);
            assertThat(url).startsWith("http://" + service + ":");
            assertThat(ports(services.get(service))).as("the aggregator reaches " + service + " on a port it serves")
                    .contains(port2 + ":" + port2);
        }
    }

    @Test
    void shouldNameDockerfilesThatExist() {
        services.values().stream().map(s -> map(s.get("build"))).filter(b -> b != null)
                .forEach(b -> assertThat(ROOT.resolve((String) b.get("dockerfile"))).exists());
    }

    /**
     * The variable behind {@code <section>: ... port: ${VAR:default}} in an application.yml; {@code section}
     * is a regular expression for the section's line up to its colon (multi-line mode: {@code ^server}).
     */
    private static String portVariable(String applicationYml, String section) {
        Matcher m = Pattern.compile("(?m)" + section + ":\\s*\\n(?:[ \\t]+.*\\n)*?[ \\t]+port:\\s*\\$\\{([A-Z0-9_]+)")
                .matcher(applicationYml);
        assertThat(m.find()).as("application.yml sets " + section + " port from a variable").isTrue();
        return m.group(1);
    }

    private static Map<String, String> placeholders(String text) {
        Map<String, String> found = new java.util.HashMap<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            found.put(m.group(1), m.group(2));
        }
        return found;
    }

    private static List<String> ports(Map<String, Object> service) {
        return list(service.getOrDefault("ports", List.of())).stream().map(String::valueOf).toList();
    }

    private static List<String> healthcheck(Map<String, Object> service) {
        return list(map(service.get("healthcheck")).get("test")).stream().map(String::valueOf).toList();
    }

    private static Map<String, Object> load(Path file) {
        try {
            return new Yaml().load(Files.readString(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> map(Object value) {
        return (Map<String, V>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return (List<Object>) value;
    }
}
