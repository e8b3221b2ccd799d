package dev.minikafka.broker.security;

/** How an ACL's resource name matches: the whole name, or its start. */
public enum PatternType {
    LITERAL, PREFIXED
}
