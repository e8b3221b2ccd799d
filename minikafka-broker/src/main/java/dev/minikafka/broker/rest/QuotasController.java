package dev.minikafka.broker.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.minikafka.broker.quota.Quota;
import dev.minikafka.broker.quota.QuotaKind;
import dev.minikafka.broker.quota.QuotaManager;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * Rate limits over HTTP: the defaults (from configuration) and the overrides per producing client, topic
 * and consuming client, which are stored in the database and apply to the next request.
 */
@RestController
@RequestMapping("/api/v1/quotas")
@Tag(name = "quotas")
class QuotasController {

    /** Body of PUT: a rate of 0 (or left out) means unlimited. */
    record QuotaRequest(Long eventsPerSecond, Long bytesPerSecond) {
    }

    private final QuotaManager quotas;

    QuotasController(QuotaManager quotas) {
        this.quotas = quotas;
    }

    @GetMapping
    @Operation(summary = "The default quotas and every override", responses = @ApiResponse(responseCode = "200"))
    Map<String, Object> list() {
        Map<String, Quota> defaults = new LinkedHashMap<>();
        for (QuotaKind kind : QuotaKind.values()) {
            defaults.put(kind.key(), quotas.defaults(kind));
        }
        List<Map<String, Object>> overrides = quotas.overrides().stream().map(o -> Map.<String, Object>of(
                "kind", o.kind().key(), "name", o.name(),
                "eventsPerSecond", o.quota().eventsPerSecond(), "bytesPerSecond", o.quota().bytesPerSecond())).toList();
        return Map.of("defaults", defaults, "overrides", overrides);
    }

    @GetMapping("/{kind}/{name}")
    @Operation(summary = "The quota in force for a producer, topic or consumer: its override, else the default",
            responses = { @ApiResponse(responseCode = "200"), @ApiResponse(responseCode = "404", description = "unknown kind") })
    Quota get(@PathVariable String kind, @PathVariable String name) {
        return quotas.effective(kind(kind), name);
    }

    @PutMapping("/{kind}/{name}")
    @Operation(summary = "Set the quota of a producer (client id), topic or consumer (client id)", responses = {
            @ApiResponse(responseCode = "200", description = "set; applies to the next request"),
            @ApiResponse(responseCode = "400", description = "negative rate, or events for a consumer"),
            @ApiResponse(responseCode = "404", description = "unknown kind") })
    Quota set(@PathVariable String kind, @PathVariable String name, @RequestBody QuotaRequest request) {
        QuotaKind quotaKind = kind(kind);
        Quota quota;
        try {
            quota = new Quota(orZero(request.eventsPerSecond()), orZero(request.bytesPerSecond()));
            quotas.set(quotaKind, name, quota);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return quota;
    }

    @DeleteMapping("/{kind}/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Remove an override; the default applies again", responses = {
            @ApiResponse(responseCode = "204"), @ApiResponse(responseCode = "404", description = "no such override") })
    void remove(@PathVariable String kind, @PathVariable String name) {
        if (!quotas.remove(kind(kind), name)) {
            throw ApiException.notFound("no quota override for " + kind + " '" + name + "'");
        }
    }

    private static QuotaKind kind(String kind) {
        try {
            return QuotaKind.of(kind);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(e.getMessage());
        }
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
