package dev.minikafka.broker.security;

/** What an ACL protects. CLUSTER is the broker as a whole (quotas); its name is {@link #CLUSTER_NAME}. */
public enum ResourceType {
    TOPIC, GROUP, CLUSTER;

    public static final String CLUSTER_NAME = "minikafka-cluster";
}
