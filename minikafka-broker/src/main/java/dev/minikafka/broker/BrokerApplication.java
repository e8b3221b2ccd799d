package dev.minikafka.broker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The MiniKafka broker: gRPC on 9092 by default, HTTP (actuator, admin REST) on 8080. */
// Spring gRPC's OAuth2 resource-server configuration needs the JWT (jose) module, which the broker does not
// use: its gRPC security is its own interceptor (dev.minikafka.broker.security).
@SpringBootApplication(excludeName = "org.springframework.boot.grpc.server.autoconfigure.security.OAuth2ResourceServerAutoConfiguration")
@ConfigurationPropertiesScan
public class BrokerApplication {

    public static void main(String[] args) {
        SpringApplication.run(BrokerApplication.class, args);
    }
}
