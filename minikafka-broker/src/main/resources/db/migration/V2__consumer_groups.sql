-- Consumer groups and their committed offsets. Live membership is never stored: it lives in the broker's
-- memory and ends with the broker. A group row is what lets an empty group and its offsets survive restarts.
-- Portable SQL: runs on PostgreSQL and on H2 in PostgreSQL mode.
CREATE TABLE consumer_groups (
    group_id   VARCHAR(255) PRIMARY KEY,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE committed_offsets (
    group_id         VARCHAR(255) NOT NULL REFERENCES consumer_groups (group_id) ON DELETE CASCADE,
    topic            VARCHAR(249) NOT NULL,
    partition_id     INTEGER      NOT NULL CHECK (partition_id >= 0),
    committed_offset BIGINT       NOT NULL CHECK (committed_offset >= 0),
    metadata         VARCHAR(4096),
    member_epoch     INTEGER      NOT NULL,
    committed_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (group_id, topic, partition_id)
);

CREATE INDEX committed_offsets_by_topic ON committed_offsets (topic);
