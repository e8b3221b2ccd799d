package dev.minikafka.broker.rest;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;

import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's own error answers as problem details. Tomcat refuses some requests before they reach Spring: a
 * path with an encoded {@code /} or {@code \}, a NUL, or bytes that are not UTF-8 (a topic name such as
 * {@code a%2Fb} in {@code /api/v1/topics/{topic}}). Its default valve answers those with an HTML page; this
 * one answers {@code application/problem+json}, as the rest of the admin API does. Anything that already
 * has a body (every answer Spring writes) is left alone.
 */
final class ProblemDetailErrorReportValve extends ErrorReportValve {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // the same guards as Tomcat's valve: errors only, nothing written yet, reported once, I/O still possible
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", known == null ? "Error" : known.getReasonPhrase());
        problem.put("status", status);
        problem.put("detail", detail(status, response.getMessage()));
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(problem));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response was committed meanwhile; nothing more to say
        }
    }

    private static String detail(int status, String message) {
        if (status == 400) {
            return "the server could not read the request" + (message == null || message.isBlank() ? "" : " (" + message + ")")
                    + ": a path must not contain an encoded '/' or '\\', a NUL or bytes that are not UTF-8; topic and "
                    + "group names may contain only ASCII letters, digits, '.', '_' and '-'";
        }
        return message == null || message.isBlank() ? "the server refused the request" : message;
    }
}
