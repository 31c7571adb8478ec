package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The flow zun-tempest-plugin's container tests walk, against the real all-in-one: run a container, show it, read
 * its logs, execute a command in it, stop it and delete it; once at microversion 1.40 (command as a JSON array) and
 * once at 1.11 (command as a string the server splits, as before 1.20).
 */
class TempestIT extends ActionsBaseIT {

    @Test
    void runShowLogsExecStopDeleteAt140() {
        flow(api.withVersion("1.40"), "[\"sh\", \"-c\", \"echo hello-tempest; sleep 3600\"]",
                new JsonArray().add("sh").add("-c").add("echo hello-tempest; sleep 3600"));
    }

    @Test
    void runShowLogsExecStopDeleteAt111WithACommandString() {
        flow(api.withVersion("1.11"), "\"sh -c 'echo hello-tempest; sleep 3600'\"",
                new JsonArray().add("sh").add("-c").add("echo hello-tempest; sleep 3600"));
    }

    private static void flow(ZunHttp client, String command, JsonArray expectedCommand) {
        // run
        String name = uniqueName("tempest");
        ZunHttp.Response created = client.post("/v1/containers?run=true", "{\"image\": \"busybox\", \"name\": \""
                + name + "\", \"cpu\": 0.1, \"memory\": 32, \"command\": " + command + "}");
        assertEquals(202, created.status(), created.body());
        String uuid = created.json().getString("uuid");
        assertEquals(expectedCommand, created.json().getJsonArray("command"));

        // show, until running
        JsonObject shown = Poll.until(WAIT, () -> client.get("/v1/containers/" + uuid).json(),
                c -> "Running".equals(c.getString("status")) && c.getValue("task_state") == null, "Running");
        assertEquals(name, shown.getString("name"));
        assertEquals("busybox", shown.getString("image"));
        assertEquals(expectedCommand, shown.getJsonArray("command"));
        assertEquals(200, client.get("/v1/containers/" + name).status(), "found by name");

        // logs
        String logs = Poll.until(WAIT, () -> (String) Json.decodeValue(client.get("/v1/containers/" + uuid
                + "/logs?stdout=True&stderr=True&timestamps=False&tail=all").body()), l -> !l.isEmpty(), "logs");
        assertEquals("hello-tempest\n", logs);

        // exec
        ZunHttp.Response exec = client.post("/v1/containers/" + uuid + "/execute?command="
                + URLEncoder.encode("echo hello from exec", StandardCharsets.UTF_8), null);
        assertEquals(200, exec.status(), exec.body());
        assertEquals("hello from exec\n", exec.json().getString("output"));
        assertEquals(0, exec.json().getInteger("exit_code"));

        // exec with the command in the JSON body, as the plugin sends it
        ZunHttp.Response bodyExec = client.post("/v1/containers/" + uuid + "/execute",
                "{\"command\": \"echo hello from the body\"}");
        assertEquals(200, bodyExec.status(), bodyExec.body());
        assertEquals("hello from the body\n", bodyExec.json().getString("output"));

        // stop, the timeout in the body
        ZunHttp.Response stop = client.post("/v1/containers/" + uuid + "/stop", "{\"timeout\": 1}");
        assertEquals(202, stop.status(), stop.body());
        JsonObject stopped = Poll.until(WAIT, () -> client.get("/v1/containers/" + uuid).json(),
                c -> "Stopped".equals(c.getString("status")) && c.getValue("task_state") == null, "Stopped");
        assertTrue(stopped.getString("status_detail").startsWith("Exited("), stopped.encode());

        // delete
        assertEquals(204, client.delete("/v1/containers/" + uuid).status());
        Poll.until(WAIT, () -> client.get("/v1/containers/" + uuid).status(), s -> s == 404, "container gone");
        Poll.until(WAIT, () -> dockerContainerIfAny(uuid).isEmpty(), gone -> gone, "Docker container gone");
        assertEquals(404, client.get("/v1/containers/" + uuid + "/container_actions").status());
    }
}
