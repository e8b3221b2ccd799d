package dev.minikafka.demo.common;

import java.util.Map;

/** The service-specific part of {@code /stats} ({@code details}); a service declares one as a bean. */
@FunctionalInterface
public interface StatsDetails {

    Map<String, Object> details();
}
