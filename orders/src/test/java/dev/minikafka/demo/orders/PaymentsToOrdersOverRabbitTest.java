package dev.minikafka.demo.orders;

import java.util.List;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/** Payments → Orders on the RabbitMQ binder, against the RabbitMQ at 127.0.0.1:5672. */
class PaymentsToOrdersOverRabbitTest extends PaymentsToOrdersContract {

    @Override
    String binder() {
        return "rabbit";
    }

    @Override
    List<String> connection() {
        return List.of("--spring.rabbitmq.host=127.0.0.1", "--spring.rabbitmq.port=5672");
    }

    @Override
    void cleanUp() {
        CachingConnectionFactory connections = new CachingConnectionFactory("127.0.0.1", 5672);
        try {
            RabbitAdmin admin = new RabbitAdmin(connections);
            admin.deleteQueue(destination + "." + group);
            admin.deleteExchange(destination);
        } finally {
            connections.destroy();
        }
    }
}
