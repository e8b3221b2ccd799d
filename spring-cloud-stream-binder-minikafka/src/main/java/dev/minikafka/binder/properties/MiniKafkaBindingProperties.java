package dev.minikafka.binder.properties;

import org.springframework.cloud.stream.binder.BinderSpecificPropertiesProvider;

/** The {@code consumer} and {@code producer} sections of one binding's MiniKafka settings. */
public class MiniKafkaBindingProperties implements BinderSpecificPropertiesProvider {

    private MiniKafkaConsumerProperties consumer = new MiniKafkaConsumerProperties();

    private MiniKafkaProducerProperties producer = new MiniKafkaProducerProperties();

    @Override
    public MiniKafkaConsumerProperties getConsumer() {
        return consumer;
    }

    public void setConsumer(MiniKafkaConsumerProperties consumer) {
        this.consumer = consumer;
    }

    @Override
    public MiniKafkaProducerProperties getProducer() {
        return producer;
    }

    public void setProducer(MiniKafkaProducerProperties producer) {
        this.producer = producer;
    }
}
