package dev.minikafka.broker.topic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionException;

import dev.minikafka.broker.config.BrokerProperties;
import dev.minikafka.broker.log.LogManager;
import dev.minikafka.broker.log.PartitionLog;
import dev.minikafka.broker.log.PartitionWriter;
import dev.minikafka.broker.metrics.BrokerMetrics;

/**
 * The topics this broker serves. The database is the source of truth for which topics exist; the
 * {@link LogManager} holds their data. Lookups (on every produce and fetch) read a concurrent map;
 * create and delete are rare and serialized.
 *
 * <p>Crash story: a topic is written to the database before its logs are created and removed from it
 * before its logs are deleted, so after a crash the start-up reconciliation either creates missing empty
 * logs for a known topic or deletes the directories of a topic the database no longer knows.
 *
 * <p>Failure story: create and delete change the database first and this map only once it answered, so a
 * database that fails or cannot be reached leaves the topic as it was, and the caller gets an UNAVAILABLE
 * {@link TopicException} saying nothing changed.
 */
@Service
public class TopicRegistry {

    private static final Logger log = LoggerFactory.getLogger(TopicRegistry.class);

    private final TopicRepository repository;
    private final LogManager logs;
    private final BrokerProperties properties;
    private final Clock clock;
    private final BrokerMetrics metrics;
    private final ApplicationEventPublisher events;
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();

    public TopicRegistry(TopicRepository repository, LogManager logs, BrokerProperties properties, Clock clock,
            BrokerMetrics metrics, ApplicationEventPublisher events) {
        this.repository = repository;
        this.events = events;
        this.logs = logs;
        this.properties = properties;
        this.clock = clock;
        this.metrics = metrics;
        load();
    }

    /** The topic, or null when there is none by that name. */
    public Topic find(String name) {
        return name == null ? null : topics.get(name);
    }

    /**
     * Whether this registry still serves this very instance: false once it is deleted, also when a topic of
     * the same name was created since (a different instance, with new logs). Readers parked on a topic's
     * waiters check it when woken, since delete wakes them.
     */
    public boolean isLive(Topic topic) {
        return topics.get(topic.name()) == topic;
    }

    /** The topic, or a NOT_FOUND {@link TopicException}. */
    public Topic get(String name) {
        Topic topic = find(name);
        if (topic == null) {
            throw TopicException.notFound(name);
        }
        return topic;
    }

    /**
     * The topic for a produce request: the existing one, or a new one with the default partitions when
     * auto-create is on. Null when it does not exist and may not be created.
     */
    public Topic findOrAutoCreate(String name) {
        Topic topic = find(name);
        if (topic != null || !properties.autoCreateTopics() || TopicNames.problemWith(name) != null) {
            return topic;
        }
        try {
            return create(name, properties.defaultPartitions(), TopicSettings.none());
        } catch (TopicException e) {
            if (e.kind() == TopicException.Kind.UNAVAILABLE) {
                throw e;
            }
            return find(name); // created concurrently by another request
        }
    }

    public Collection<Topic> list() {
        return topics.values().stream().sorted(Comparator.comparing(Topic::name)).toList();
    }

    public synchronized Topic create(String name, int partitions, TopicSettings settings) {
        String problem = TopicNames.problemWith(name);
        if (problem != null) {
            throw new TopicException(TopicException.Kind.INVALID, problem);
        }
        if (partitions < 1 || partitions > properties.maxPartitions()) {
            throw new TopicException(TopicException.Kind.INVALID,
                    "partitions must be between 1 and " + properties.maxPartitions() + ", got " + partitions);
        }
        TopicConfig config = settings.resolve(properties.topicDefaults());
        if (topics.containsKey(name)) {
            throw alreadyExists(name);
        }
        TopicEntity entity;
        try {
            if (repository.existsById(name)) {
                throw alreadyExists(name);
            }
            entity = repository.save(new TopicEntity(name, partitions, config, clock.instant()));
        } catch (DataAccessException | TransactionException e) {
            throw storeUnavailable("topic '" + name + "' was not created", e);
        }
        Topic topic;
        try {
            topic = open(entity);
        } catch (RuntimeException e) {
            undoCreate(name, e);
            throw e;
        }
        topics.put(name, topic);
        log.info("Created topic {} with {} partitions", name, partitions);
        events.publishEvent(new TopicChanged(name, TopicChanged.Change.CREATED));
        return topic;
    }

    public synchronized void delete(String name) {
        Topic topic = get(name);
        try {
            repository.deleteById(name);
        } catch (DataAccessException | TransactionException e) {
            throw storeUnavailable("topic '" + name + "' was not deleted", e);
        }
        topics.remove(name);
        // Wake the long polls and subscriptions parked on it: they see it is no longer live and end.
        for (int p = 0; p < topic.partitionCount(); p++) {
            topic.waiters(p).signal();
        }
        metrics.topicDeleted(name);
        events.publishEvent(new TopicChanged(name, TopicChanged.Change.DELETED));
        try {
            logs.deleteLogs(name);
        } catch (IOException e) {
            throw new UncheckedIOException("topic '" + name + "' was deleted but its files could not all be removed", e);
        }
        log.info("Deleted topic {}", name);
    }

    /** A create whose logs could not be opened leaves nothing behind: not its row, not the partitions it opened. */
    private void undoCreate(String name, RuntimeException failure) {
        try {
            repository.deleteById(name);
            logs.deleteLogs(name);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
            log.error("Topic {} could not be opened, nor its creation undone; the next start reconciles it", name, e);
        }
    }

    private static TopicException alreadyExists(String name) {
        return new TopicException(TopicException.Kind.ALREADY_EXISTS, "topic '" + name + "' already exists");
    }

    private static TopicException storeUnavailable(String notDone, RuntimeException cause) {
        log.warn("Metadata store failed: {}", notDone, cause);
        return new TopicException(TopicException.Kind.UNAVAILABLE,
                "the metadata store is unavailable; " + notDone + "; try again");
    }

    private void load() {
        List<TopicEntity> known = repository.findAll();
        for (TopicEntity entity : known) {
            topics.put(entity.name(), open(entity));
        }
        for (String orphan : logs.topicsOnDisk()) {
            if (!topics.containsKey(orphan)) {
                log.warn("Deleting logs of topic {}: the metadata store does not know it (deleted before a crash?)", orphan);
                try {
                    logs.deleteLogs(orphan);
                } catch (IOException e) {
                    log.error("Could not delete the logs of unknown topic {}", orphan, e);
                }
            }
        }
        log.info("Serving {} topics from {}", topics.size(), properties.dataDir().toAbsolutePath());
    }

    private Topic open(TopicEntity entity) {
        int count = entity.partitions();
        PartitionLog[] partitionLogs = new PartitionLog[count];
        PartitionWriter[] writers = new PartitionWriter[count];
        DataWaiters[] waiters = new DataWaiters[count];
        try {
            for (int p = 0; p < count; p++) {
                writers[p] = logs.getOrCreate(entity.name(), p, entity.config().toLogConfig());
                partitionLogs[p] = writers[p].log();
                waiters[p] = new DataWaiters();
                writers[p].setAppendListener(waiters[p]::signal);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the logs of topic '" + entity.name() + "'", e);
        }
        metrics.topicOpened(entity.name(), writers);
        return new Topic(entity.name(), entity.config(), entity.createdAt(), partitionLogs, writers, waiters);
    }
}
