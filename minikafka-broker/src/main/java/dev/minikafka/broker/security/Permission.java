package dev.minikafka.broker.security;

/** Whether a matching ACL grants or refuses. */
public enum Permission {
    ALLOW, DENY
}
