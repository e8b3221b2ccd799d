package dev.minikafka.broker.security;

import java.util.List;
import java.util.Set;

/**
 * Decides whether a principal may do an operation on a resource: super users may do everything; otherwise a
 * matching DENY refuses, a matching ALLOW grants, and anything else is refused (deny by default).
 *
 * <p>Thread-safety: immutable. Each decision scans the rules (a few dozen at most); the gRPC side caches
 * the topics a stream was allowed so the produce path does not scan per request.
 */
public final class Authorizer {

    private final Set<String> superUsers;
    private final List<Acl> acls;

    public Authorizer(SecurityProperties properties) {
        this.superUsers = Set.copyOf(properties.superUsers());
        this.acls = properties.acls().stream().map(Acl::of).toList();
    }

    public boolean isSuperUser(String principal) {
        return superUsers.contains(principal);
    }

    public boolean allowed(String principal, Operation operation, ResourceType type, String name) {
        if (isSuperUser(principal)) {
            return true;
        }
        boolean allowed = false;
        for (Acl acl : acls) {
            if (acl.matches(principal, operation, type, name)) {
                if (acl.permission() == Permission.DENY) {
                    return false;
                }
                allowed = true;
            }
        }
        return allowed;
    }
}
