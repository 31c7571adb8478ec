package io.zunvx.platform.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.zunvx.model.Topics;
import io.zunvx.platform.auth.ExternalIssuer;
import io.zunvx.platform.auth.TokenService;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.db.Database;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.registry.CredentialCipher;
import io.zunvx.platform.http.Readiness;
import io.zunvx.platform.image.BlobStore;
import io.zunvx.platform.kafka.EventPublisher;
import io.zunvx.platform.kafka.KafkaSettings;
import io.zunvx.platform.kafka.KafkaTopics;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every role of a process shares, built once by {@link #connect}: the Vert.x instance, the typed configuration,
 * PostgreSQL (settings and {@link Transactions}), Kafka settings and one publisher, the token service, readiness
 * checks and the clock. Each role's components class takes it and builds that role's collaborators from it.
 *
 * <p>Nothing else constructs one; the two variants a process needs are derived here: {@link #withConfig} (one more
 * compute agent with its own host settings in the same process) and {@link #trustingExternalIssuer} (the API, which
 * also accepts tokens of a configured OpenID Connect issuer).
 */
public final class Platform {
    private static final Logger LOG = LoggerFactory.getLogger(Platform.class);

    private final Vertx vertx;
    private final ZunvxConfig config;
    private final Database database;
    private final Pool pool;
    private final Transactions transactions;
    private final KafkaSettings kafka;
    private final EventPublisher publisher;
    private final TokenService tokens;
    private final Readiness readiness;
    private final Clock clock;

    private Platform(Vertx vertx, ZunvxConfig config, Database database, Pool pool, KafkaSettings kafka,
                     EventPublisher publisher, TokenService tokens, Readiness readiness, Clock clock) {
        this.vertx = vertx;
        this.config = config;
        this.database = database;
        this.pool = pool;
        this.transactions = new Transactions(pool);
        this.kafka = kafka;
        this.publisher = publisher;
        this.tokens = tokens;
        this.readiness = readiness;
        this.clock = clock;
    }

    /**
     * Waits for PostgreSQL (and its schema) and then for Kafka, retrying every two seconds with a log line per attempt
     * instead of crash-looping; creates the shared topics, loads the signing keys and registers the readiness checks.
     *
     * @param dbUrl          PostgreSQL URL (the config's, or the embedded server's)
     * @param kafkaBootstrap Kafka bootstrap servers (the config's, or the embedded broker's)
     */
    public static Future<Platform> connect(Vertx vertx, ZunvxConfig config, String dbUrl, String kafkaBootstrap,
                                           Readiness readiness, Clock clock) {
        return connect(vertx, config, dbUrl, kafkaBootstrap, readiness, clock, true);
    }

    /**
     * As above; {@code signs} says whether this process issues tokens (api, wsproxy, the all-in-one: it reads the
     * sealed private signing keys with {@code ZUNVX_SIGNING_KEY_SECRET}) or only verifies them (compute, scheduler:
     * public keys only). Either way the keys are re-read every {@code ZUNVX_SIGNING_KEY_REFRESH}.
     */
    public static Future<Platform> connect(Vertx vertx, ZunvxConfig config, String dbUrl, String kafkaBootstrap,
                                           Readiness readiness, Clock clock, boolean signs) {
        Database db = Database.of(dbUrl);
        Pool pool = db.pool(vertx, config.database().poolSize(), "zunvx-" + UUID.randomUUID());
        KafkaSettings kafka = new KafkaSettings(kafkaBootstrap, "zunvx");
        readiness.register("postgresql", () -> pool.query("SELECT 1").execute().map(rs -> true));
        int partitions = config.kafka().partitions();
        Map<String, Integer> topics = Map.of(Topics.SCHEDULER_COMMANDS, partitions, Topics.CONTAINER_EVENTS,
                partitions, Topics.HOST_EVENTS, partitions, Topics.IMAGE_EVENTS, partitions, Topics.CAPSULE_EVENTS,
                partitions, Topics.DEAD_LETTER, 1);
        return retry(vertx, "PostgreSQL at " + db, () -> pool.query("SELECT 1 FROM signing_keys LIMIT 1").execute()
                        .recover(err -> Future.failedFuture(err.getMessage() != null
                                && err.getMessage().contains("42P01")
                                ? new IllegalStateException("the schema is not there yet (run `zunvx migrate`)")
                                : err)))
                .compose(v -> retry(vertx, "Kafka at " + kafkaBootstrap, () -> KafkaTopics.ensure(vertx, kafka, topics)))
                .compose(v -> signs
                        ? TokenService.load(vertx, pool, TokenService.ISSUER, config.identity().tokenTtl(), clock,
                                CredentialCipher.forSigningKeys(config))
                        : TokenService.loadVerifier(vertx, pool, TokenService.ISSUER, config.identity().tokenTtl(),
                                clock))
                .map(tokens -> {
                    ZunvxConfig.Identity.Signing signing = config.identity().signing();
                    tokens.maintain(signing.refresh(), signing.rotation());
                    EventPublisher publisher = new EventPublisher(vertx, kafka, "zunvx-" + UUID.randomUUID(), clock);
                    readiness.register("kafka", new KafkaCheck(vertx, kafka));
                    return new Platform(vertx, config, db, pool, kafka, publisher, tokens, readiness, clock);
                });
    }

    /**
     * The same shared pieces under another configuration, for one more role instance in this process that differs
     * only in its own settings (a second compute agent for another Docker engine). Closing either closes both.
     */
    public Platform withConfig(ZunvxConfig other) {
        return new Platform(vertx, other, database, pool, kafka, publisher, tokens, readiness, clock);
    }

    /**
     * The API's view: its token service also accepts the tokens of the external OpenID Connect issuer when one is
     * configured (it still issues only the platform's own). The other roles trust the platform's tokens only.
     */
    public Platform trustingExternalIssuer() {
        var oidc = config.identity().oidc();
        if (oidc == null) {
            return this;
        }
        return new Platform(vertx, config, database, pool, kafka, publisher,
                tokens.trusting(new ExternalIssuer(vertx, oidc, clock)), readiness, clock);
    }

    public Vertx vertx() {
        return vertx;
    }

    public ZunvxConfig config() {
        return config;
    }

    /** Connection settings (for a dedicated connection, such as the outbox relay's listener). */
    public Database database() {
        return database;
    }

    /** The way to the database: units of work in or outside a transaction, run through repositories. */
    public Transactions transactions() {
        return transactions;
    }

    /**
     * The shared pool itself, for {@code platform}'s own parts and for tests; code outside {@code platform} goes
     * through {@link #transactions()} and repositories (launcher's ArchitectureTest holds it to that).
     */
    public Pool pool() {
        return pool;
    }

    /** The image store's blobs, where the config puts them (a directory, or PostgreSQL's large objects). */
    public BlobStore blobStore() {
        return BlobStore.of(config.images(), pool);
    }

    public KafkaSettings kafka() {
        return kafka;
    }

    public EventPublisher publisher() {
        return publisher;
    }

    public TokenService tokens() {
        return tokens;
    }

    public Readiness readiness() {
        return readiness;
    }

    public Clock clock() {
        return clock;
    }

    /** Kafka reachability, asked of the cluster at most every ten seconds (each ask builds an admin client). */
    private static final class KafkaCheck implements Supplier<Future<Boolean>> {
        private final Vertx vertx;
        private final KafkaSettings kafka;
        private volatile long checkedAt;
        private volatile boolean last = true;

        KafkaCheck(Vertx vertx, KafkaSettings kafka) {
            this.vertx = vertx;
            this.kafka = kafka;
        }

        @Override
        public Future<Boolean> get() {
            long now = System.nanoTime();
            if (checkedAt != 0 && now - checkedAt < Duration.ofSeconds(10).toNanos()) {
                return Future.succeededFuture(last);
            }
            checkedAt = now;
            return KafkaTopics.ensure(vertx, kafka, Map.of()).map(true).otherwise(false)
                    .onSuccess(ok -> last = ok);
        }
    }

    /** Retries {@code attempt} every two seconds until it succeeds, logging why it has not yet. */
    public static <T> Future<T> retry(Vertx vertx, String what, Supplier<Future<T>> attempt) {
        return attempt.get().recover(err -> {
            LOG.warn("waiting for {}: {}", what, err.getMessage() == null ? err.toString() : err.getMessage());
            return Future.<Void>future(p -> vertx.setTimer(Duration.ofSeconds(2).toMillis(), id -> p.complete()))
                    .compose(v -> retry(vertx, what, attempt));
        });
    }

    public Future<Void> close() {
        tokens.stopMaintenance();
        return Future.join(publisher.close(), pool.close()).mapEmpty();
    }
}
