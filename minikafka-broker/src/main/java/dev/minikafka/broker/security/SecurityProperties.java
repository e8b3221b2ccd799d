package dev.minikafka.broker.security;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Authentication and authorization, under {@code minikafka.broker.security.*}; off by default (the local demo
 * runs without credentials). Transport security (TLS) is Spring Boot's: {@code server.ssl.*} and
 * {@code spring.grpc.server.ssl.*} with an SSL bundle.
 *
 * @param enabled                 require a principal (bearer token or client certificate) on every call and
 *                                authorize each operation against {@link #acls}; deny by default
 * @param tokens                  the accepted bearer tokens, as SHA-256 hex digests, and whose they are
 * @param superUsers              principals allowed everything, including the admin REST API (as Kafka's
 *                                {@code super.users})
 * @param acls                    what each principal may do (allow or deny rules, as Kafka's ACLs)
 * @param readOnlyViewsPublic     let anyone, without credentials, read the REST views (GET of topics, groups,
 *                                quotas, metrics) that the dashboard shows; records stay protected
 */
@ConfigurationProperties("minikafka.broker.security")
public record SecurityProperties(boolean enabled, List<TokenProperties> tokens, List<String> superUsers,
                                 List<AclProperties> acls, boolean readOnlyViewsPublic) {

    public SecurityProperties {
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
        superUsers = superUsers == null ? List.of() : superUsers.stream().map(Principals::normalize).toList();
        acls = acls == null ? List.of() : List.copyOf(acls);
    }

    /**
     * One accepted token.
     *
     * @param principal who presents it
     * @param sha256    the token's SHA-256 digest in hex ({@code printf %s "$TOKEN" | sha256sum}); the token
     *                  itself is never configured, so a leaked configuration does not leak credentials
     */
    public record TokenProperties(String principal, String sha256) {

        @Override
        public String toString() {
            return "TokenProperties[principal=" + principal + "]";
        }
    }

    /**
     * One rule, shaped as a Kafka ACL ({@code kafka-acls --allow-principal User:orders --operation Write
     * --topic orders --resource-pattern-type prefixed}).
     *
     * @param principal    {@code User:name}, {@code name}, or {@code *} for every authenticated principal
     * @param permission   ALLOW (default) or DENY; a matching DENY wins over any ALLOW
     * @param operation    READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE or ALL
     * @param resourceType TOPIC, GROUP or CLUSTER
     * @param resourceName the topic or group name, the prefix for PREFIXED, or {@code *} for all
     * @param patternType  LITERAL (default) or PREFIXED
     */
    public record AclProperties(String principal, Permission permission, Operation operation,
                                ResourceType resourceType, String resourceName, PatternType patternType) {
    }
}
