package dev.minikafka.broker.security;

import java.util.function.Supplier;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import jakarta.servlet.http.HttpServletRequest;

/**
 * What each HTTP request needs once security is on:
 * <ul>
 *   <li>health probes ({@code /actuator/health/**}): nothing;</li>
 *   <li>{@code POST /api/v1/topics/{topic}/records}: WRITE on the topic;
 *       {@code GET /api/v1/topics/{topic}/partitions/{p}/records}: READ on the topic;</li>
 *   <li>other GETs (topics, groups, quotas, metrics, the OpenAPI document, actuator): any authenticated
 *       principal, or anyone when {@code read-only-views-public} is set;</li>
 *   <li>everything else, the admin API's changes (create/delete topics, quotas, group reset/delete): a super user.</li>
 * </ul>
 * A refusal leaves its reason in a request attribute for {@link HttpDenialResponses} to report.
 */
final class HttpAccessPolicy implements AuthorizationManager<RequestAuthorizationContext> {

    static final String DENIAL = HttpAccessPolicy.class.getName() + ".denial";
    static final String ADMIN = "ADMIN";

    /** What a refused request needed. */
    record Denial(String operation, String resourceType, String resource) {
    }

    private static final PathPattern HEALTH = PathPatternParser.defaultInstance.parse("/actuator/health/**");
    private static final PathPattern PRODUCE = PathPatternParser.defaultInstance.parse("/api/v1/topics/{topic}/records");
    private static final PathPattern BROWSE = PathPatternParser.defaultInstance.parse("/api/v1/topics/{topic}/partitions/{partition}/records");

    private final Authorizer authorizer;
    private final boolean readOnlyViewsPublic;

    HttpAccessPolicy(Authorizer authorizer, boolean readOnlyViewsPublic) {
        this.authorizer = authorizer;
        this.readOnlyViewsPublic = readOnlyViewsPublic;
    }

    @Override
    public AuthorizationResult authorize(Supplier<? extends Authentication> authentication, RequestAuthorizationContext context) {
        HttpServletRequest request = context.getRequest();
        PathContainer path = PathContainer.parsePath(request.getRequestURI().substring(request.getContextPath().length()));
        HttpMethod method = HttpMethod.valueOf(request.getMethod());
        boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
        if (HEALTH.matches(path)) {
            return new AuthorizationDecision(true);
        }
        Authentication who = authentication.get();
        boolean authenticated = who != null && who.isAuthenticated() && !(who instanceof AnonymousAuthenticationToken);
        PathPattern.PathMatchInfo topicPath;
        if (method == HttpMethod.POST && (topicPath = PRODUCE.matchAndExtract(path)) != null) {
            return topic(request, authenticated ? who.getName() : null, Operation.WRITE, topicPath.getUriVariables().get("topic"));
        }
        if (read && (topicPath = BROWSE.matchAndExtract(path)) != null) {
            return topic(request, authenticated ? who.getName() : null, Operation.READ, topicPath.getUriVariables().get("topic"));
        }
        if (read) {
            return decide(request, readOnlyViewsPublic || authenticated, "DESCRIBE", "VIEW", path.value());
        }
        return decide(request, authenticated && authorizer.isSuperUser(who.getName()), ADMIN, "API", method + " " + path.value());
    }

    private AuthorizationResult topic(HttpServletRequest request, String principal, Operation operation, String topic) {
        return decide(request, principal != null && authorizer.allowed(principal, operation, ResourceType.TOPIC, topic),
                operation.name(), ResourceType.TOPIC.name(), topic);
    }

    private static AuthorizationResult decide(HttpServletRequest request, boolean granted, String operation,
            String resourceType, String resource) {
        if (!granted) {
            request.setAttribute(DENIAL, new Denial(operation, resourceType, resource));
        }
        return new AuthorizationDecision(granted);
    }
}
