package dev.minikafka.broker.rest;

import org.springframework.context.annotation.Configuration;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;

/** The title of the OpenAPI document springdoc serves at {@code /v3/api-docs} (Swagger UI: {@code /swagger-ui.html}). */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(info = @Info(title = "MiniKafka admin API", version = "v1",
        description = "Topics and records over HTTP. Errors are RFC 9457 problem details (application/problem+json)."))
class OpenApiDocument {
}
