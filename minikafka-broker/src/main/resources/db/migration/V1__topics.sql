-- Topic metadata. Record data never lives in the database, only in the partition logs.
-- Portable SQL: runs on PostgreSQL and on H2 in PostgreSQL mode.
CREATE TABLE topics (
    name              VARCHAR(249) PRIMARY KEY,
    partitions        INTEGER      NOT NULL CHECK (partitions > 0),
    retention_ms      BIGINT       NOT NULL,
    retention_bytes   BIGINT       NOT NULL,
    segment_bytes     BIGINT       NOT NULL CHECK (segment_bytes > 0),
    segment_ms        BIGINT       NOT NULL CHECK (segment_ms > 0),
    max_message_bytes INTEGER      NOT NULL CHECK (max_message_bytes > 0),
    log_append_time   BOOLEAN      NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
