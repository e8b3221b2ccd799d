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
    void cleanUp() throws InterruptedException {
        CachingConnectionFactory connections = new CachingConnectionFactory("127.0.0.1", 5672);
        try {
            RabbitAdmin admin = new RabbitAdmin(connections);
            List<String> queues = List.of(destination + "." + group, destination + "." + analyticsGroup);
            // A listener container that is still winding down may declare its queue again: delete until they stay gone.
            for (int attempt = 0; attempt < 20; attempt++) {
                queues.forEach(admin::deleteQueue);
                admin.deleteExchange(destination);
                Thread.sleep(250);
                if (queues.stream().allMatch(queue -> admin.getQueueProperties(queue) == null)) {
                    break;
                }
            }
        } finally {
            connections.destroy();
        }
    }
}
