package dev.minikafka.broker.security;

import dev.minikafka.proto.v1.CommitOffsetsRequest;
import dev.minikafka.proto.v1.CreateTopicRequest;
import dev.minikafka.proto.v1.DeleteTopicRequest;
import dev.minikafka.proto.v1.DescribeTopicRequest;
import dev.minikafka.proto.v1.FetchOffsetsRequest;
import dev.minikafka.proto.v1.FetchPartition;
import dev.minikafka.proto.v1.FetchRequest;
import dev.minikafka.proto.v1.InitProducerIdRequest;
import dev.minikafka.proto.v1.GroupMember;
import dev.minikafka.proto.v1.ListOffsetsRequest;
import dev.minikafka.proto.v1.ListTopicsRequest;
import dev.minikafka.proto.v1.OffsetQuery;
import dev.minikafka.proto.v1.ProduceRequest;
import dev.minikafka.proto.v1.SessionRequest;
import dev.minikafka.proto.v1.SubscribeRequest;

/**
 * What each gRPC request needs, as Kafka's ACLs would have it:
 * <ul>
 *   <li>{@code Produce}: WRITE on the topic;</li>
 *   <li>{@code Fetch}, {@code Subscribe}: READ on each topic, and READ on the group when a member reads;</li>
 *   <li>{@code Session} join: READ on the group and on each subscribed topic; heartbeats and leave: nothing more;</li>
 *   <li>{@code CommitOffsets}: READ on the group; {@code FetchOffsets}: DESCRIBE on the group;</li>
 *   <li>{@code CreateTopic}: CREATE, {@code DeleteTopic}: DELETE, {@code DescribeTopic} and
 *       {@code ListOffsets}: DESCRIBE on the topic; {@code ListTopics}: any authenticated principal;</li>
 *   <li>{@code InitProducerId}: any authenticated principal, as Kafka lets any principal that may write some
 *       topic be idempotent: the id grants nothing, each {@code Produce} is still checked per topic;</li>
 *   <li>any other request: only a super user (deny by default, so a new RPC is closed until mapped here).</li>
 * </ul>
 */
final class GrpcPermissions {

    /** Answers one question about the caller; returns false to refuse. */
    interface Access {
        boolean allowed(Operation operation, ResourceType type, String name);
    }

    /** The refused permission. */
    record Denial(Operation operation, ResourceType type, String name) {
    }

    private GrpcPermissions() {
    }

    /** The first permission {@code message} needs that {@code access} refuses, or null when all are granted. */
    static Denial check(Object message, Access access) {
        return switch (message) {
            case ProduceRequest r -> require(access, Operation.WRITE, ResourceType.TOPIC, r.getTopic());
            case FetchRequest r -> {
                for (FetchPartition p : r.getPartitionsList()) {
                    Denial denial = require(access, Operation.READ, ResourceType.TOPIC, p.getTopic());
                    if (denial != null) {
                        yield denial;
                    }
                }
                yield r.hasMember() ? member(access, r.getMember()) : null;
            }
            case SubscribeRequest r -> {
                Denial denial = require(access, Operation.READ, ResourceType.TOPIC, r.getTopic());
                yield denial == null && r.hasMember() ? member(access, r.getMember()) : denial;
            }
            case SessionRequest r when r.hasJoin() -> {
                Denial denial = require(access, Operation.READ, ResourceType.GROUP, r.getJoin().getGroupId());
                for (int i = 0; denial == null && i < r.getJoin().getTopicsCount(); i++) {
                    denial = require(access, Operation.READ, ResourceType.TOPIC, r.getJoin().getTopics(i));
                }
                yield denial;
            }
            case SessionRequest r -> null; // heartbeat or leave of the member this stream joined as
            case CommitOffsetsRequest r -> require(access, Operation.READ, ResourceType.GROUP, r.getGroupId());
            case FetchOffsetsRequest r -> require(access, Operation.DESCRIBE, ResourceType.GROUP, r.getGroupId());
            case CreateTopicRequest r -> require(access, Operation.CREATE, ResourceType.TOPIC, r.getName());
            case DeleteTopicRequest r -> require(access, Operation.DELETE, ResourceType.TOPIC, r.getName());
            case DescribeTopicRequest r -> require(access, Operation.DESCRIBE, ResourceType.TOPIC, r.getName());
            case ListTopicsRequest r -> null;
            case InitProducerIdRequest r -> null;
            case ListOffsetsRequest r -> {
                for (OffsetQuery q : r.getQueriesList()) {
                    Denial denial = require(access, Operation.DESCRIBE, ResourceType.TOPIC, q.getTopic());
                    if (denial != null) {
                        yield denial;
                    }
                }
                yield null;
            }
            default -> require(access, Operation.ALL, ResourceType.CLUSTER, ResourceType.CLUSTER_NAME);
        };
    }

    private static Denial member(Access access, GroupMember member) {
        return require(access, Operation.READ, ResourceType.GROUP, member.getGroupId());
    }

    private static Denial require(Access access, Operation operation, ResourceType type, String name) {
        return access.allowed(operation, type, name) ? null : new Denial(operation, type, name);
    }
}
