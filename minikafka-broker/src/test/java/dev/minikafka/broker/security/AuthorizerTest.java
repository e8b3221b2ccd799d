package dev.minikafka.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.minikafka.broker.security.SecurityProperties.AclProperties;

class AuthorizerTest {

    private static Authorizer authorizer(List<String> superUsers, AclProperties... acls) {
        return new Authorizer(new SecurityProperties(true, List.of(), superUsers, List.of(acls), false));
    }

    private static AclProperties allow(String principal, Operation operation, ResourceType type, String name, PatternType pattern) {
        return new AclProperties(principal, null, operation, type, name, pattern);
    }

    @Test
    void shouldDenyByDefault() {
        Authorizer authorizer = authorizer(List.of());

        assertThat(authorizer.allowed("orders", Operation.WRITE, ResourceType.TOPIC, "orders")).isFalse();
        assertThat(authorizer.allowed("orders", Operation.DESCRIBE, ResourceType.TOPIC, "orders")).isFalse();
    }

    @Test
    void shouldMatchLiteralNamesExactlyAndPrefixesByTheirStart() {
        Authorizer authorizer = authorizer(List.of(),
                allow("User:orders", Operation.WRITE, ResourceType.TOPIC, "orders", null),
                allow("User:orders", Operation.READ, ResourceType.TOPIC, "payments.", PatternType.PREFIXED));

        assertThat(authorizer.allowed("orders", Operation.WRITE, ResourceType.TOPIC, "orders")).isTrue();
        assertThat(authorizer.allowed("orders", Operation.WRITE, ResourceType.TOPIC, "orders-dlq")).isFalse();
        assertThat(authorizer.allowed("orders", Operation.READ, ResourceType.TOPIC, "payments.eu")).isTrue();
        assertThat(authorizer.allowed("orders", Operation.READ, ResourceType.TOPIC, "payments")).isFalse();
        assertThat(authorizer.allowed("orders", Operation.READ, ResourceType.GROUP, "payments.eu")).as("other type").isFalse();
        assertThat(authorizer.allowed("analytics", Operation.WRITE, ResourceType.TOPIC, "orders")).as("other principal").isFalse();
    }

    @Test
    void shouldLetEveryOperationImplyDescribeAndAllImplyEverything() {
        Authorizer authorizer = authorizer(List.of(),
                allow("orders", Operation.READ, ResourceType.TOPIC, "orders", null),
                allow("ops", Operation.ALL, ResourceType.GROUP, "*", null));

        assertThat(authorizer.allowed("orders", Operation.DESCRIBE, ResourceType.TOPIC, "orders")).isTrue();
        assertThat(authorizer.allowed("orders", Operation.WRITE, ResourceType.TOPIC, "orders")).isFalse();
        assertThat(authorizer.allowed("ops", Operation.DELETE, ResourceType.GROUP, "any-group")).isTrue();
        assertThat(authorizer.allowed("ops", Operation.DELETE, ResourceType.TOPIC, "any-topic")).isFalse();
    }

    @Test
    void shouldLetADenyWinOverAnAllow() {
        Authorizer authorizer = authorizer(List.of(),
                allow("*", Operation.READ, ResourceType.TOPIC, "*", null),
                new AclProperties("interns", Permission.DENY, Operation.READ, ResourceType.TOPIC, "payments", PatternType.PREFIXED));

        assertThat(authorizer.allowed("interns", Operation.READ, ResourceType.TOPIC, "orders")).isTrue();
        assertThat(authorizer.allowed("interns", Operation.READ, ResourceType.TOPIC, "payments-eu")).isFalse();
        assertThat(authorizer.allowed("analytics", Operation.READ, ResourceType.TOPIC, "payments-eu")).isTrue();
    }

    @Test
    void shouldAllowSuperUsersEverything() {
        Authorizer authorizer = authorizer(List.of("User:admin"));

        assertThat(authorizer.isSuperUser("admin")).isTrue();
        assertThat(authorizer.allowed("admin", Operation.DELETE, ResourceType.TOPIC, "orders")).isTrue();
        assertThat(authorizer.allowed("admin", Operation.ALTER, ResourceType.CLUSTER, ResourceType.CLUSTER_NAME)).isTrue();
    }

    @Test
    void shouldRefuseAnAclWithoutOperationOrResource() {
        assertThatThrownBy(() -> authorizer(List.of(), allow("orders", null, ResourceType.TOPIC, "orders", null)))
                .hasMessageContaining("operation is required");
        assertThatThrownBy(() -> authorizer(List.of(), allow("orders", Operation.READ, ResourceType.TOPIC, null, null)))
                .hasMessageContaining("resource-name is required for TOPIC");
    }
}
