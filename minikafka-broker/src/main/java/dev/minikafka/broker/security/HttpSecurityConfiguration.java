package dev.minikafka.broker.security;

import java.util.List;
import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.oauth2.core.DefaultOAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.RequestRejectedHandler;

import jakarta.servlet.DispatcherType;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP side of security, through Spring Security. With security off the chain lets every request
 * through and adds nothing (no headers, no session), so the local demo behaves as it always did. With it on:
 * bearer tokens through the opaque-token resource server (MiniKafka's hashed tokens as the introspector),
 * client certificates through X.509 pre-authentication (the subject's CN), and {@link HttpAccessPolicy}
 * for what each request needs.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class HttpSecurityConfiguration {

    @Bean
    SecurityFilterChain minikafkaSecurityFilterChain(HttpSecurity http, SecurityProperties properties,
            TokenAuthenticator tokens, Authorizer authorizer, SecurityDenials denials, JsonMapper json) throws Exception {
        http.csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable);
        if (!properties.enabled()) {
            return http.headers(AbstractHttpConfigurer::disable)
                    .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                    .build();
        }
        HttpDenialResponses responses = new HttpDenialResponses(denials, json);
        return http
                .oauth2ResourceServer(o -> o
                        .opaqueToken(t -> t.introspector(introspector(tokens)))
                        .authenticationEntryPoint(responses)
                        .accessDeniedHandler(responses))
                .x509(x -> x
                        .x509PrincipalExtractor(cert -> Principals.fromCertificate(cert.getSubjectX500Principal()))
                        .userDetailsService(name -> User.withUsername(name).password("").authorities(List.of()).build()))
                .exceptionHandling(e -> e.authenticationEntryPoint(responses).accessDeniedHandler(responses))
                // The request dispatch was authorized already; its error page and async (SSE) dispatches are not new requests.
                .authorizeHttpRequests(a -> a.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll()
                        .anyRequest().access(new HttpAccessPolicy(authorizer, properties.readOnlyViewsPublic())))
                .build();
    }

    /** Picked up by Spring Security's filter chain proxy for the paths its firewall refuses. */
    @Bean
    RequestRejectedHandler problemDetailRequestRejectedHandler(JsonMapper json) {
        return new PathRejectedResponses(json);
    }

    private static OpaqueTokenIntrospector introspector(TokenAuthenticator tokens) {
        return token -> {
            String principal = tokens.principalOf(token);
            if (principal == null) {
                throw new BadOpaqueTokenException("the bearer token is not valid");
            }
            return new DefaultOAuth2AuthenticatedPrincipal(principal, Map.of("sub", principal), List.of());
        };
    }
}
