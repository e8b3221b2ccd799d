-- Rate limits set through the admin API, overriding the defaults in minikafka.broker.quotas.*.
-- kind: 'producer' (a producing client id), 'topic' (all producers of a topic), 'consumer' (a consuming client id).
-- 0 in a rate column means unlimited.
CREATE TABLE quotas (
    kind              VARCHAR(16)  NOT NULL CHECK (kind IN ('producer', 'topic', 'consumer')),
    name              VARCHAR(255) NOT NULL,
    events_per_second BIGINT       NOT NULL CHECK (events_per_second >= 0),
    bytes_per_second  BIGINT       NOT NULL CHECK (bytes_per_second >= 0),
    PRIMARY KEY (kind, name)
);
