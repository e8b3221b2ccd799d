package dev.minikafka.client;

import dev.minikafka.proto.v1.ErrorCode;

/** Creating a topic that already exists. */
public class TopicExistsException extends MiniKafkaException {

    public TopicExistsException(String message, Throwable cause) {
        super(ErrorCode.INVALID_REQUEST, message, cause);
    }
}
