package dev.minikafka.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.minikafka.broker.security.SecurityProperties.TokenProperties;

class TokenAuthenticatorTest {

    private static TokenAuthenticator authenticator(TokenProperties... tokens) {
        return new TokenAuthenticator(new SecurityProperties(true, List.of(tokens), List.of(), List.of(), false));
    }

    @Test
    void shouldHashAsSha256sumDoes() {
        // printf %s abc | sha256sum
        assertThat(TokenAuthenticator.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void shouldFindThePrincipalOfAConfiguredTokenOnly() {
        TokenAuthenticator authenticator = authenticator(
                new TokenProperties("User:orders", TokenAuthenticator.hash("orders-secret")),
                new TokenProperties("analytics", TokenAuthenticator.hash("analytics-secret").toUpperCase()));

        assertThat(authenticator.principalOf("orders-secret")).isEqualTo("orders");
        assertThat(authenticator.principalOf("analytics-secret")).isEqualTo("analytics");
        assertThat(authenticator.principalOf("orders-secret ")).isNull();
        assertThat(authenticator.principalOf("")).isNull();
    }

    @Test
    void shouldRefuseADigestThatIsNotSha256Hex() {
        assertThatThrownBy(() -> authenticator(new TokenProperties("orders", "orders-secret")))
                .hasMessageContaining("must be 64 hex digits")
                .hasMessageNotContaining("orders-secret");
    }

    @Test
    void shouldNotShowTheDigestInToString() {
        assertThat(new TokenProperties("orders", TokenAuthenticator.hash("x")).toString()).doesNotContain(TokenAuthenticator.hash("x"));
    }
}
