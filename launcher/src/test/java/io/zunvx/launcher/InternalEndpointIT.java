package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.platform.app.TestVertx;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compute agent's internal endpoint serves platform services only: anyone else is refused, HTTP and WebSocket. */
class InternalEndpointIT {
    @TempDir
    static Path data;

    static AllInOne platform;
    static String base;
    static String uuid;
    static Vertx vertx;

    @BeforeAll
    static void start() {
        platform = Platforms.start(data, CrashPoints.NONE, Map.of());
        base = platform.platform().config().compute().internalUrl();
        ZunHttp api = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
        uuid = api.post("/v1/containers?run=true", """
                {"image": "busybox", "cpu": 0.1, "memory": 32, "interactive": true, "tty": true, "command": ["sh"]}""")
                .json().getString("uuid");
        Poll.until(Duration.ofSeconds(60), () -> api.get("/v1/containers/" + uuid).json().getString("status"),
                "Running"::equals, "Running");
        vertx = TestVertx.create();
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
        Platforms.stop(platform);
    }

    private static int get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return java.net.http.HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static int upgrade(String path, String authorization) {
        WebSocketClient client = vertx.createWebSocketClient();
        URI u = URI.create(base);
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(u.getHost()).setPort(u.getPort())
                .setURI(path);
        if (authorization != null) {
            o.putHeader("Authorization", authorization);
        }
        try {
            client.connect(o).await().close().await();
            return 101;
        } catch (UpgradeRejectedException e) {
            return e.getStatus();
        } finally {
            client.close().await();
        }
    }

    @Test
    void callsWithoutAServiceTokenAreRefused() throws Exception {
        String logs = "/internal/v1/containers/" + uuid + "/logs";
        assertEquals(401, get(logs, null));
        assertEquals(401, get(logs, "Bearer not-a-token"));
        String userToken = Platforms.token(platform, "someone", "some-project", List.of("admin", "member"));
        assertEquals(403, get(logs, "Bearer " + userToken), "a user's token, even an admin's, is not a service's");
        String service = platform.platform().tokens().issue(new io.zunvx.platform.auth.Identity("zunvx-api",
                "zunvx-api", "service", "service", List.of("service"), null)).value();
        assertEquals(200, get(logs, "Bearer " + service));
    }

    @Test
    void terminalStreamsWithoutAServiceTokenAreRefused() {
        String attach = "/internal/v1/containers/" + uuid + "/attach";
        assertEquals(401, upgrade(attach, null));
        assertEquals(403, upgrade(attach, "Bearer " + Platforms.token(platform, "someone", "p", List.of("admin"))));
    }
}
