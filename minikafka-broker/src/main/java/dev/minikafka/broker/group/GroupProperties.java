package dev.minikafka.broker.group;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Consumer group settings, under {@code minikafka.broker.groups.*}.
 *
 * @param heartbeatInterval  how often members heartbeat (told to each member when it joins)
 * @param sessionTimeout     a member silent this long is removed; also how long a member may take to
 *                           confirm a revocation before it is removed
 * @param minSessionTimeout  lower bound on the session timeout a member may ask for
 * @param maxSessionTimeout  upper bound on the session timeout a member may ask for
 * @param defaultAssignor    {@code range} or {@code roundrobin}, for members that name none
 * @param maxCommitBatch     most commits written in one database transaction
 * @param commitTimeout      a commit the database has not stored by then is answered UNAVAILABLE (it may
 *                           still be stored later); bounds the wait when the database stops answering
 */
@ConfigurationProperties("minikafka.broker.groups")
public record GroupProperties(
        Duration heartbeatInterval,
        Duration sessionTimeout,
        Duration minSessionTimeout,
        Duration maxSessionTimeout,
        String defaultAssignor,
        int maxCommitBatch,
        Duration commitTimeout) {

    public GroupProperties {
        heartbeatInterval = heartbeatInterval == null ? Duration.ofSeconds(1) : heartbeatInterval;
        sessionTimeout = sessionTimeout == null ? Duration.ofSeconds(10) : sessionTimeout;
        minSessionTimeout = minSessionTimeout == null ? Duration.ofSeconds(1) : minSessionTimeout;
        maxSessionTimeout = maxSessionTimeout == null ? Duration.ofMinutes(5) : maxSessionTimeout;
        defaultAssignor = defaultAssignor == null ? Assignor.RANGE : defaultAssignor;
        maxCommitBatch = maxCommitBatch <= 0 ? 500 : maxCommitBatch;
        commitTimeout = commitTimeout == null ? Duration.ofSeconds(10) : commitTimeout;
        if (!Assignor.NAMES.contains(defaultAssignor)) {
            throw new IllegalArgumentException("minikafka.broker.groups.default-assignor must be one of "
                    + Assignor.NAMES + ", got '" + defaultAssignor + "'");
        }
    }

    /** The session timeout a member gets when it asks for {@code requestedMs} (0 = the default). */
    long sessionTimeoutMs(int requestedMs) {
        if (requestedMs <= 0) {
            return sessionTimeout.toMillis();
        }
        return Math.clamp(requestedMs, minSessionTimeout.toMillis(), maxSessionTimeout.toMillis());
    }
}
