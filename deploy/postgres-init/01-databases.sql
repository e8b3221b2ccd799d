-- The broker's metadata and Orders' orders live in separate databases: each runs its own Flyway history.
CREATE DATABASE orders OWNER minikafka;
