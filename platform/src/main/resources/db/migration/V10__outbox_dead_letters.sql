-- Outbox rows Kafka refused for good (too large, invalid): kept with the reason, out of the way of the rows behind them.
CREATE TABLE outbox_dead_letters (
    id         bigint      PRIMARY KEY,
    message_id uuid        NOT NULL,
    topic      text        NOT NULL,
    key        text        NOT NULL,
    type       text        NOT NULL,
    subject    text,
    sequence   bigint,
    data       text        NOT NULL,
    created_at timestamptz NOT NULL,
    reason     text        NOT NULL,
    failed_at  timestamptz NOT NULL DEFAULT now()
);
