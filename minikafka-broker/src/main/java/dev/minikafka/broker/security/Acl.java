package dev.minikafka.broker.security;

import java.util.Objects;

import dev.minikafka.broker.security.SecurityProperties.AclProperties;

/** One validated ACL rule. */
record Acl(String principal, Permission permission, Operation operation, ResourceType resourceType,
           String resourceName, PatternType patternType) {

    static final String WILDCARD = "*";

    static Acl of(AclProperties p) {
        String where = "minikafka.broker.security.acls: ";
        Objects.requireNonNull(p.operation(), where + "operation is required (READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, ALL)");
        Objects.requireNonNull(p.resourceType(), where + "resource-type is required (TOPIC, GROUP, CLUSTER)");
        String name = p.resourceType() == ResourceType.CLUSTER && p.resourceName() == null
                ? ResourceType.CLUSTER_NAME : p.resourceName();
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(where + "resource-name is required for " + p.resourceType() + " (a name, a prefix, or *)");
        }
        return new Acl(p.principal() == null ? WILDCARD : Principals.normalize(p.principal()),
                p.permission() == null ? Permission.ALLOW : p.permission(), p.operation(), p.resourceType(), name,
                p.patternType() == null ? PatternType.LITERAL : p.patternType());
    }

    boolean matches(String who, Operation requested, ResourceType type, String name) {
        return resourceType == type
                && (principal.equals(WILDCARD) || principal.equals(who))
                && operation.implies(requested)
                && (resourceName.equals(WILDCARD)
                        || (patternType == PatternType.PREFIXED ? name.startsWith(resourceName) : name.equals(resourceName)));
    }
}
