package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.command.InspectContainerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Updates through the HTTP API on the real all-in-one: PATCH (cpu and memory applied live with {@code docker update},
 * name and auto_heal in the database), resize_container (1.19-) and rename (1.1-1.13), with their microversion gates,
 * validation, state checks, quota and the host's claim.
 */
class ActionsUpdateIT extends ActionsBaseIT {
    private static final long MIB = 1024L * 1024;

    @Test
    void patchWithCpuAndMemoryChangesTheRunningDockerContainerTheRowAndTheHostClaim() {
        // GIVEN a running container with 0.1 vCPU and 32 MiB
        String uuid = sleeper("");
        String dockerId = dockerContainer(uuid).getId();
        long claimedBefore = hostMemUsed();

        // WHEN it is patched to 0.2 vCPU and 64 MiB
        ZunHttp.Response r = patch(uuid, "{\"cpu\": 0.2, \"memory\": \"64\"}");

        // THEN 200 with the container as it is now
        assertEquals(200, r.status(), r.body());
        JsonObject c = r.json();
        assertEquals(0.2, c.getDouble("cpu"));
        assertEquals("64", c.getString("memory"));
        assertEquals("Running", c.getString("status"));
        assertEquals(c.getString("memory"), show(uuid).getString("memory"));

        // AND Docker applied it to the same, still running, container
        InspectContainerResponse d = dockerContainer(uuid);
        assertEquals(dockerId, d.getId());
        assertEquals(64 * MIB, d.getHostConfig().getMemory());
        assertEquals(200_000_000L, d.getHostConfig().getNanoCPUs());
        assertEquals(204, d.getHostConfig().getCpuShares(), "int(1024 x 0.2)");
        assertTrue(d.getState().getRunning());

        // AND the host's claim grew by the 32 MiB, and the update is on record
        assertEquals(claimedBefore + 32, hostMemUsed());
        JsonObject action = actionNamed(uuid, "update");
        JsonObject detail = awaitActionFinished(uuid, action.getString("request_id"));
        assertEquals("compute__do_container_update", detail.getJsonArray("events").getJsonObject(0)
                .getString("event"));
        assertEquals("Success", detail.getJsonArray("events").getJsonObject(0).getString("result"));
    }

    @Test
    void patchOfNameAndAutoHealIsAPlainUpdateAllowedWhenStopped() {
        String uuid = sleeper("");
        stop(uuid);
        String name = uniqueName("renamed");

        ZunHttp.Response r = patch(uuid, "{\"name\": \"" + name + "\", \"auto_heal\": true}");

        assertEquals(200, r.status(), r.body());
        assertEquals(name, r.json().getString("name"));
        assertEquals(true, r.json().getBoolean("auto_heal"));
        assertEquals(name, show(uuid).getString("name"));
        assertEquals(200, api.get("/v1/containers/" + name).status(), "found by its new name");
    }

    @Test
    void patchIsValidatedAndRefusedOutsideTheUpdateStates() {
        String uuid = sleeper("");
        assertZunError(patch(uuid, "{\"memory\": 2}"), 400, "container.schema-validation-error",
                "Invalid input for field 'memory'.Value: '2'. 2 is less than the minimum of 4");
        assertZunError(patch(uuid, "{\"cpu\": \"abc\"}"), 400, "container.schema-validation-error", null);
        assertZunError(patch(uuid, "{\"colour\": \"red\"}"), 400, "container.schema-validation-error",
                "Additional properties are not allowed ('colour' was unexpected)");
        assertZunError(patch(uuid, "{\"name\": \"x\"}"), 400, "container.schema-validation-error", null);
        String missing = UUID.randomUUID().toString();
        assertZunError(patch(missing, "{\"memory\": 64}"), 404, "container.container-not-found",
                "Container " + missing + " could not be found.");

        // A container whose image cannot be had is in Error, where no update is allowed
        String broken = create(api, "\"image\": \"zunvx-missing/never:nope\", \"image_pull_policy\": \"never\"",
                false);
        awaitStatus(broken, "Error");
        assertZunError(patch(broken, "{\"memory\": 64}"), 409, "container.invalid-state-exception",
                "Cannot update container " + broken + " in Error state");
    }

    @Test
    void patchBeyondTheProjectQuotaIsRefusedAndChangesNothing() {
        // GIVEN a project allowed 100 MiB, with a 32 MiB container
        String project = "p-" + UUID.randomUUID().toString().substring(0, 8);
        Platforms.project(platform, project);
        String token = Platforms.token(platform, "u-" + project, project, List.of("member"));
        ZunHttp.Response quota = send("PUT", "/v1/quotas/" + project, "{\"memory\": 100}", platform.adminToken(),
                "1.40");
        assertEquals(200, quota.status(), quota.body());
        ZunHttp member = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), token, "1.40");
        String uuid = create(member, "\"command\": [\"sleep\", \"3600\"]", true);
        awaitStatus(uuid, "Running");

        // WHEN the member asks for 200 MiB
        ZunHttp.Response r = send("PATCH", "/v1/containers/" + uuid, "{\"memory\": 200}", token, "1.40");

        // THEN 403 over-quota, and neither the row nor Docker changed; the failed update is on record
        assertZunError(r, 403, "container.over-quota", null);
        assertEquals("32", show(uuid).getString("memory"));
        assertEquals(32 * MIB, dockerContainer(uuid).getHostConfig().getMemory());
        JsonObject action = Poll.until(WAIT, () -> actionNamed(uuid, "update"), a -> a != null
                && a.getValue("finish_time") != null, "the failed update's record");
        assertTrue(action.getString("message").contains("Quota exceeded"), action.encode());
    }

    @Test
    void resizeContainerFrom119Answers202AndResizesLive() {
        String uuid = sleeper("");
        ZunHttp v119 = api.withVersion("1.19");

        ZunHttp.Response r = v119.post("/v1/containers/" + uuid + "/resize_container", "{\"memory\": 48}");

        assertEquals(202, r.status(), r.body());
        assertEquals("48", r.json().getString("memory"));
        assertEquals(48 * MIB, dockerContainer(uuid).getHostConfig().getMemory());
        assertEquals("48", show(uuid).getString("memory"));

        JsonObject e = assertZunError(api.withVersion("1.18").post("/v1/containers/" + uuid + "/resize_container",
                "{\"memory\": 40}"), 406, "container.", "Not Acceptable");
        assertEquals("Version 1.18 was requested but the requested API is not supported for this version.",
                e.getString("detail"));
        assertZunError(v119.post("/v1/containers/" + uuid + "/resize_container", "{\"memory\": 9000}"), 400,
                "container.schema-validation-error",
                "Invalid input for field 'memory'.Value: '9000'. 9000 is greater than the maximum of 8192");
    }

    @Test
    void renameExistsUpTo113AndRefusesTheSameName() {
        String uuid = sleeper("");
        String name = uniqueName("renamed");
        ZunHttp v113 = api.withVersion("1.13");

        ZunHttp.Response r = v113.post("/v1/containers/" + uuid + "/rename?name=" + name, null);
        assertEquals(200, r.status(), r.body());
        assertEquals(name, r.json().getString("name"));
        assertEquals(uuid, r.json().getString("uuid"));
        assertEquals(name, show(uuid).getString("name"));

        assertZunError(v113.post("/v1/containers/" + uuid + "/rename?name=" + name, null), 409, "container.conflict",
                "The new name for the container is the same as the old name.");
        assertZunError(v113.post("/v1/containers/" + uuid + "/rename", null), 400,
                "container.schema-validation-error", "'name' is a required property");
        assertZunError(v113.post("/v1/containers/" + uuid + "/rename?name=x", null), 400,
                "container.schema-validation-error",
                "Invalid input for query parameters 'name'. Value: 'x'. 'x' is too short");
        JsonObject e = assertZunError(api.withVersion("1.14").post("/v1/containers/" + uuid + "/rename?name=other1",
                null), 406, "container.", "Not Acceptable");
        assertEquals("Version 1.14 was requested but the requested API is not supported for this version.",
                e.getString("detail"));
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static long hostMemUsed() {
        String host = platform.platform().config().compute().hostName();
        ZunHttp.Response r = api.get("/v1/hosts/" + host);
        assertEquals(200, r.status(), r.body());
        return r.json().getLong("mem_used");
    }

    /** The newest action record of that name, or {@code null}. */
    private static JsonObject actionNamed(String uuid, String name) {
        ZunHttp.Response r = api.get("/v1/containers/" + uuid + "/container_actions");
        assertEquals(200, r.status(), r.body());
        JsonArray all = r.json().getJsonArray("containerActions");
        for (int i = 0; i < all.size(); i++) {
            if (name.equals(all.getJsonObject(i).getString("action"))) {
                return all.getJsonObject(i);
            }
        }
        return null;
    }
}
