package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.docker.DockerContainerDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The all-in-one keeps everything under its data directory: a restart loses nothing. */
class RestartIT {
    @TempDir
    Path data;

    @Test
    void containersTokensAndTheBootstrapAdminSurviveARestart() {
        String uuid;
        String token;
        String host;
        String project;
        Map<String, String> sameHost = Map.of("ZUNVX_COMPUTE_HOST", "restart-" + System.nanoTime() % 100000);
        // GIVEN an all-in-one with a running container and a token issued
        try (AllInOne first = Platforms.start(data, CrashPoints.NONE, sameHost)) {
            ZunHttp api = new ZunHttp("http://127.0.0.1:" + first.apiPort(), first.adminToken(), "1.40");
            token = first.adminToken();
            project = first.bootstrap().projectId();
            host = first.platform().config().compute().hostName();
            ZunHttp.Response r = api.post("/v1/containers?run=true", """
                    {"image": "busybox", "cpu": 0.1, "memory": 32, "name": "survivor", "command": ["sleep", "300"]}""");
            assertEquals(202, r.status(), r.body());
            uuid = r.json().getString("uuid");
            Poll.until(Duration.ofSeconds(60), () -> api.get("/v1/containers/" + uuid).json().getString("status"),
                    "Running"::equals, "Running");
        }
        // WHEN it is started again on the same data directory
        try (AllInOne second = Platforms.start(data, CrashPoints.NONE, sameHost)) {
            ZunHttp api = new ZunHttp("http://127.0.0.1:" + second.apiPort(), token, "1.40");
            // THEN the old token still works, the admin is the same, and the container is still there and Running
            assertEquals(project, second.bootstrap().projectId());
            ZunHttp.Response again = api.get("/v1/containers/" + uuid);
            assertEquals(200, again.status(), again.body());
            assertEquals("survivor", again.json().getString("name"));
            Poll.until(Duration.ofSeconds(60), () -> api.get("/v1/containers/" + uuid).json().getString("status"),
                    "Running"::equals, "Running after restart");
            assertEquals(204, api.delete("/v1/containers/" + uuid + "?stop=true").status());
            Poll.until(Duration.ofSeconds(60), () -> api.get("/v1/containers/" + uuid).status(), s -> s == 404,
                    "deleted");
        } finally {
            try (DockerContainerDriver docker = new DockerContainerDriver("unix:///var/run/docker.sock")) {
                docker.listManaged(host).forEach(o -> docker.remove(o.id(), true));
            }
        }
    }
}
