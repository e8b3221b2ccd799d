package dev.minikafka.broker.rest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The admin REST API of a running broker, called over real HTTP on loopback. */
final class AdminApi {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    AdminApi(ConfigurableApplicationContext broker) {
        this.base = "http://127.0.0.1:" + broker.getEnvironment().getProperty("local.server.port");
    }

    /** A response with its body parsed as JSON (null when empty or not JSON). */
    record Response(int status, HttpResponse<String> raw, JsonNode body) {

        String contentType() {
            return raw.headers().firstValue("Content-Type").orElse("");
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        String detail() {
            return body == null || body.get("detail") == null ? null : body.get("detail").asString();
        }
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Response delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    Response put(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    Response post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Posts with chunked transfer encoding: no Content-Length is declared. */
    Response postChunked(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
    }

    /** Any method, path (already percent-encoded), content type (null: none) and raw body bytes. */
    Response send(String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    Response post(String path, Object body) {
        return post(path, JSON.writeValueAsString(body));
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            if (!response.body().isEmpty()) {
                try {
                    body = JSON.readTree(response.body());
                } catch (RuntimeException notJson) {
                    body = null;
                }
            }
            return new Response(response.statusCode(), response, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
