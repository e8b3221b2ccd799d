package dev.minikafka.broker.security;

import java.io.IOException;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers a request Spring Security's firewall refuses before any controller sees it ({@code ..}, encoded
 * {@code /} or {@code .}, line breaks in the path) with a 400 problem detail, as every other bad request is
 * answered, instead of the servlet container's generic error body. Applies with security on and off: the
 * firewall guards every request either way.
 */
final class PathRejectedResponses implements RequestRejectedHandler {

    private final JsonMapper json;

    PathRejectedResponses(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException e)
            throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "the request path is not allowed: " + e.getMessage());
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
