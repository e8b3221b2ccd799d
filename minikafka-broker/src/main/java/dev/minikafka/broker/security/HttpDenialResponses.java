package dev.minikafka.broker.security;

import java.io.IOException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers a refused HTTP request with an RFC 9457 problem detail: 401 (with {@code WWW-Authenticate: Bearer})
 * when it carried no valid credentials, 403 naming the operation and resource otherwise. Each refusal is
 * counted and logged by {@link SecurityDenials}.
 */
final class HttpDenialResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

    private static final String TRANSPORT = "http";

    private final SecurityDenials denials;
    private final JsonMapper json;

    HttpDenialResponses(SecurityDenials denials, JsonMapper json) {
        this.denials = denials;
        this.json = json;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) throws IOException {
        boolean sentToken = request.getHeader(HttpHeaders.AUTHORIZATION) != null;
        String why = sentToken ? "the bearer token is not valid"
                : "no credentials: send 'Authorization: Bearer <token>' or a client certificate";
        denials.unauthenticated(TRANSPORT, request.getMethod() + " " + request.getRequestURI(), why);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, sentToken ? "Bearer error=\"invalid_token\"" : "Bearer");
        write(response, HttpStatus.UNAUTHORIZED, why + " (" + request.getMethod() + " " + request.getRequestURI() + ")");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e) throws IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        String principal = authentication == null ? "anonymous" : authentication.getName();
        HttpAccessPolicy.Denial denial = request.getAttribute(HttpAccessPolicy.DENIAL) instanceof HttpAccessPolicy.Denial d
                ? d : new HttpAccessPolicy.Denial(HttpAccessPolicy.ADMIN, "API", request.getMethod() + " " + request.getRequestURI());
        denials.denied(TRANSPORT, principal, denial.operation(), denial.resourceType(), denial.resource());
        String detail = denial.operation().equals(HttpAccessPolicy.ADMIN)
                ? "principal '" + principal + "' is not an admin (a super user), needed for " + denial.resource()
                : "principal '" + principal + "' may not " + denial.operation() + " " + denial.resourceType() + " '"
                        + denial.resource() + "'";
        write(response, HttpStatus.FORBIDDEN, detail);
    }

    private void write(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
