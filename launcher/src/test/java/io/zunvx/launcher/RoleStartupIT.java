package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.zunvx.embedded.EmbeddedKafka;
import io.zunvx.embedded.EmbeddedPg;
import io.zunvx.platform.app.TestVertx;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.db.Database;
import io.zunvx.platform.db.Migrations;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A role started before PostgreSQL and Kafka exist waits for them, says it is not ready, then becomes ready. */
class RoleStartupIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path data;

    private HttpResponse<String> get(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void schedulerWaitsForPostgresqlAndKafkaAndReportsNotReadyMeanwhile() {
        // GIVEN nothing listens yet where PostgreSQL and Kafka are configured
        int pgPort = Platforms.freePort();
        int kafkaPort = Platforms.freePort();
        String dbUrl = "postgresql://postgres:postgres@127.0.0.1:" + pgPort + "/postgres";
        String kafka = "127.0.0.1:" + kafkaPort;
        ZunvxConfig config = ZunvxConfig.from(Map.of(
                "ZUNVX_DB_URL", dbUrl,
                "ZUNVX_KAFKA_BOOTSTRAP_SERVERS", kafka,
                "ZUNVX_OPS_PORT", String.valueOf(Platforms.freePort()),
                "ZUNVX_DATA_DIR", data.toString()));

        // WHEN the scheduler role starts
        try (RoleProcess role = RoleProcess.start("scheduler", config, dbUrl, kafka,
                Roles.standard().scheduler(), TestVertx.options())) {
            // THEN it is alive but not ready, and says what is missing
            assertEquals(200, get(role.opsPort(), "/healthz").statusCode());
            HttpResponse<String> notReady = get(role.opsPort(), "/readyz");
            assertEquals(503, notReady.statusCode());
            assertEquals("not ready", new JsonObject(notReady.body()).getJsonObject("checks").getString("process"));

            // WHEN PostgreSQL (migrated) and Kafka come up
            try (EmbeddedPg pg = EmbeddedPg.start(data.resolve("pg"), pgPort)) {
                Migrations.migrate(Database.of(pg.url()));
                assertEquals(503, get(role.opsPort(), "/readyz").statusCode(), "still waiting for Kafka");
                try (EmbeddedKafka broker = new EmbeddedKafka(data.resolve("kafka"), kafkaPort)) {
                    broker.start();

                    // THEN the role finishes starting and reports ready
                    Poll.until(Duration.ofSeconds(90), () -> get(role.opsPort(), "/readyz").statusCode(),
                            s -> s == 200, "the role to become ready");
                    JsonObject ready = new JsonObject(get(role.opsPort(), "/readyz").body());
                    assertTrue(ready.getBoolean("ready"), ready.encode());
                    assertTrue(get(role.opsPort(), "/metrics").body().contains("jvm_"), "Prometheus metrics");
                }
            }
        }
    }
}
