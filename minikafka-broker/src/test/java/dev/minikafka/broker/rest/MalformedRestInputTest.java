package dev.minikafka.broker.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.minikafka.broker.support.BrokerOverLoopback;

/**
 * Malformed admin API requests over real HTTP: JSON bodies that are truncated, of the wrong types, too deep,
 * too large or not JSON at all, the wrong content type, and names in the path no topic can have (emoji,
 * right-to-left marks, NUL, invalid UTF-8, path separators, 250+ characters). Each gets a 4xx problem
 * detail saying what is wrong, never a 500 or a hang, and the data directory is left as it was.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MalformedRestInputTest extends BrokerOverLoopback {

    private static final String JSON = "application/json";
    private static AdminApi api;

    @BeforeAll
    static void connect() {
        api = new AdminApi(broker);
        assertThat(api.post("/api/v1/topics", "{\"name\":\"fuzzed\",\"partitions\":1}").status()).isEqualTo(201);
        assertThat(api.post("/api/v1/topics/fuzzed/records", "{\"records\":[{\"value\":\"first\"}]}").status()).isEqualTo(200);
    }

    static Stream<Arguments> badBodies() {
        String topics = "/api/v1/topics";
        String records = "/api/v1/topics/fuzzed/records";
        String reset = "/api/v1/groups/fuzzers/offsets/reset";
        String quota = "/api/v1/quotas/producer/fuzzer";
        return Stream.of(
                body("POST", topics, JSON, "{\"name\":\"a"),
                body("POST", topics, JSON, "{\"name\":123,\"partitions\":\"three\"}"),
                body("POST", topics, JSON, "{\"name\":\"n1\",\"partitions\":1e400}"),
                body("POST", topics, JSON, "{\"name\":\"n2\",\"partitions\":99999999999999999999}"),
                body("POST", topics, JSON, "{\"name\":\"n3\",\"partitions\":" + "9".repeat(5000) + "}"),
                body("POST", topics, JSON, "{\"name\":\"n4\",\"partitions\":2147483647}"),
                body("POST", topics, JSON, "{\"name\":\"n5\",\"partitions\":-1}"),
                body("POST", topics, JSON, "{\"name\":\"n6\",\"partitions\":1,\"config\":\"big\"}"),
                body("POST", topics, JSON, "{\"name\":\"n7\",\"partitions\":1,\"config\":{\"segmentBytes\":-5}}"),
                body("POST", topics, JSON, "{\"name\":\"a\\u0000b\"}"),
                body("POST", topics, JSON, "{\"name\":\"\\ud83d\\ude00\"}"),
                body("POST", topics, JSON, "{\"name\":\"../../etc\"}"),
                body("POST", topics, JSON, "{\"name\":\"" + "x".repeat(250) + "\"}"),
                body("POST", topics, JSON, "{}"),
                body("POST", topics, JSON, "[]"),
                body("POST", topics, JSON, "null"),
                body("POST", topics, JSON, ""),
                body("POST", topics, JSON, "[".repeat(100_000)),
                raw("POST", topics, JSON, new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'}),
                raw("POST", topics, JSON, new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0}),
                body("POST", topics, "text/plain", "{\"name\":\"plain\"}"),
                body("POST", topics, "application/xml", "<topic name=\"x\"/>"),
                body("POST", topics, null, "{\"name\":\"untyped\"}"),
                body("POST", records, JSON, "{\"records\":[{\"value\":\"a\",\"valueBase64\":\"YQ==\"}]}"),
                body("POST", records, JSON, "{\"records\":[{\"valueBase64\":\"!!not base64\"}]}"),
                body("POST", records, JSON, "{\"records\":[{\"value\":\"a\",\"partition\":-1}]}"),
                body("POST", records, JSON, "{\"records\":[{\"value\":\"a\",\"partition\":2147483647}]}"),
                body("POST", records, JSON, "{\"records\":[{\"value\":\"a\",\"timestamp\":\"yesterday\"}]}"),
                body("POST", records, JSON, "{\"records\":[{\"value\":\"a\",\"headers\":[1,2]}]}"),
                body("POST", records, JSON, "{\"records\":[{\"value\":{\"nested\":true}}]}"),
                body("POST", records, JSON, "{\"records\":[{\"value\":\"a\"}],\"acks\":\"SOMETIMES\"}"),
                body("POST", records, JSON, "{\"records\":null}"),
                body("POST", records, JSON, "{\"records\":[null]}"),
                body("POST", records, JSON, "{\"records\":[]}"),
                body("POST", records, JSON, "{\"records\":[{\"value\":\"" + "v".repeat(2 * 1024 * 1024) + "\"}]}"),
                body("POST", records, JSON, "{\"records\":[{\"value\":\"" + "v".repeat(17 * 1024 * 1024) + "\"}]}"),
                body("POST", records, "text/csv", "value\na\n"),
                body("POST", reset, JSON, "{\"to\":5}"),
                body("POST", reset, JSON, "{\"to\":\"offset\",\"offset\":\"x\"}"),
                body("POST", reset, JSON, "{\"to\""),
                body("PUT", quota, JSON, "{\"bytesPerSecond\":\"fast\"}"),
                body("PUT", quota, JSON, "{\"bytesPerSecond\":1e308}"),
                body("PUT", quota, JSON, "{\"bytesPerSecond\":-1}"));
    }

    @ParameterizedTest(name = "{0} {1} {index}")
    @MethodSource("badBodies")
    void malformedBodiesGetAProblemDetail(String method, String path, String contentType, byte[] body) throws IOException {
        List<String> before = dataDirContents();
        assertProblem(api.send(method, path, contentType, body), method + " " + path + " " + preview(body));
        assertThat(dataDirContents()).isEqualTo(before);
    }

    /** Topic names in the path, percent-encoded as a client would send them. */
    static Stream<String> badNames() {
        return Stream.of("%F0%9F%98%80", "rtl-%E2%80%AEevil", "nul%00byte", "..%2F..%2Fetc", "%2E%2E", "a%2Fb",
                "a%5Cb", "x".repeat(250), "lone-%ED%A0%80-surrogate", "bad-%FF%FE-utf8", "space%20name", "new%0Aline",
                "..", "%252E%252E");
    }

    @ParameterizedTest(name = "topic name {0}")
    @MethodSource("badNames")
    void badTopicNamesInThePathGetAProblemDetail(String name) throws IOException {
        List<String> before = dataDirContents();
        byte[] produce = "{\"records\":[{\"value\":\"v\"}]}".getBytes(StandardCharsets.UTF_8);
        assertProblem(api.send("GET", "/api/v1/topics/" + name, null, null), "describe " + name);
        assertProblem(api.send("DELETE", "/api/v1/topics/" + name, null, null), "delete " + name);
        assertProblem(api.send("POST", "/api/v1/topics/" + name + "/records", JSON, produce), "produce " + name);
        assertProblem(api.send("GET", "/api/v1/topics/" + name + "/partitions/0/records", null, null), "browse " + name);
        assertThat(dataDirContents()).isEqualTo(before);
    }

    private static void assertProblem(AdminApi.Response response, String what) {
        String described = what + " -> " + response.status() + " " + response.raw().body();
        assertThat(response.status()).as(described).isBetween(400, 499);
        assertThat(response.contentType()).as(described).startsWith("application/problem+json");
        assertThat(response.detail()).as(described).isNotBlank();
    }

    private static Arguments body(String method, String path, String contentType, String body) {
        return raw(method, path, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Arguments raw(String method, String path, String contentType, byte[] body) {
        return Arguments.of(method, path, contentType, body);
    }

    private static String preview(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > 80 ? text.substring(0, 80) + "... (" + body.length + " bytes)" : text;
    }

    /**
     * Files under the data directory with their sizes, except the metadata database and the recovery-point
     * checkpoint, which change on their own.
     */
    private static List<String> dataDirContents() throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(p -> !p.startsWith(dataDir.resolve("metadata")))
                    .filter(p -> !p.getFileName().toString().startsWith("recovery-point-offset-checkpoint"))
                    .map(p -> p + " " + p.toFile().length()).sorted().toList();
        }
    }
}
