package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.ProjectImages;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous container actions through the HTTP API on the real all-in-one: rebuild, reboot, kill, pause and
 * unpause, commit; and the lifecycle policies Docker carries out (restart policy, healthcheck).
 */
class ActionsLifecycleIT extends ActionsBaseIT {

    // ---- rebuild --------------------------------------------------------------------------------------------------

    @Test
    void rebuildOfARunningContainerRecreatesItUnderTheSameUuidAndRunsItAgain() {
        // GIVEN a running container and its Docker container
        String uuid = sleeper("");
        String name = show(uuid).getString("name");
        String oldId = dockerContainer(uuid).getId();

        try (Transitions transitions = new Transitions()) {
            // WHEN it is rebuilt
            ZunHttp.Response r = api.post("/v1/containers/" + uuid + "/rebuild", null);

            // THEN 202 null, the status went Rebuilding and back to Running
            assertEquals(202, r.status(), r.body());
            assertEquals("null", r.body());
            List<String> steps = transitions.until(uuid, s -> s.contains("Rebuilding/container_rebuilding")
                    && s.getLast().equals("Running/null"));
            assertTrue(steps.indexOf("Rebuilding/container_rebuilding") < steps.lastIndexOf("Running/null"),
                    steps.toString());

            // AND Docker holds a new container with the same uuid label and name, running; the old one is gone
            InspectContainerResponse now = dockerContainer(uuid);
            assertNotEquals(oldId, now.getId());
            assertEquals("/zun-" + uuid, now.getName());
            assertTrue(now.getState().getRunning());
            assertTrue(dockerContainerById(oldId).isEmpty(), "old Docker container removed");
            JsonObject shown = show(uuid);
            assertEquals(name, shown.getString("name"));
            assertNull(shown.getValue("status_reason"));

            // AND the rebuild action finished with the compute step
            JsonObject action = awaitActionFinished(uuid, requestId(r));
            assertEquals("rebuild", action.getString("action"));
            JsonObject event = action.getJsonArray("events").getJsonObject(0);
            assertEquals("compute__do_container_rebuild", event.getString("event"));
            assertEquals("Success", event.getString("result"));
        }
    }

    @Test
    void rebuildWithANewImageOfACreatedContainerEndsCreatedWithThatImage() {
        // GIVEN a container that was created but never started
        String uuid = create(api, "\"command\": [\"sleep\", \"3600\"]", false);
        awaitStatus(uuid, "Created");
        String oldId = dockerContainer(uuid).getId();

        // WHEN it is rebuilt with another image reference
        ZunHttp.Response r = api.post("/v1/containers/" + uuid + "/rebuild?image=busybox:latest&image_driver=docker",
                null);
        assertEquals(202, r.status(), r.body());
        awaitActionFinished(uuid, requestId(r));

        // THEN it is Created again, from that image, in a new Docker container
        JsonObject c = awaitStatus(uuid, "Created");
        assertEquals("busybox:latest", c.getString("image"));
        assertEquals("docker", c.getString("image_driver"));
        InspectContainerResponse now = dockerContainer(uuid);
        assertNotEquals(oldId, now.getId());
        // created from the image id the reference resolved to (docs/images.md)
        assertEquals(docker.inspectImageCmd("busybox:latest").exec().getId(), now.getImageId());
        assertFalse(now.getState().getRunning());
    }

    @Test
    void rebuildIsRefusedWhereZunRefusesIt() {
        // GIVEN a paused container
        String uuid = sleeper("");
        assertEquals(202, api.post("/v1/containers/" + uuid + "/pause", null).status());
        awaitStatus(uuid, "Paused");

        // WHEN / THEN rebuild from Paused is 409, an unknown image driver 400, an unknown container 404
        assertZunError(api.post("/v1/containers/" + uuid + "/rebuild", null), 409,
                "container.invalid-state-exception", "Cannot rebuild container " + uuid + " in Paused state");
        assertZunError(api.post("/v1/containers/" + uuid + "/rebuild?image_driver=foo", null), 400,
                "container.validation-error",
                "Invalid input for image_driver, it should be within the image drivers list");
        String missing = UUID.randomUUID().toString();
        assertZunError(api.post("/v1/containers/" + missing + "/rebuild", null), 404,
                "container.container-not-found", "Container " + missing + " could not be found.");
        assertEquals(202, api.post("/v1/containers/" + uuid + "/unpause", null).status());
        awaitStatus(uuid, "Running");
    }

    // ---- reboot ---------------------------------------------------------------------------------------------------

    @Test
    void rebootGoesThroughRestartingBackToRunningInANewRun() {
        // GIVEN a running container
        String uuid = sleeper("");
        String startedAt = dockerContainer(uuid).getState().getStartedAt();

        try (Transitions transitions = new Transitions()) {
            // WHEN it is rebooted
            ZunHttp.Response r = api.post("/v1/containers/" + uuid + "/reboot?timeout=0", null);
            assertEquals(202, r.status(), r.body());

            // THEN Restarting at once, then Running again, and Docker started it anew
            List<String> steps = transitions.until(uuid, s -> s.contains("Restarting/container_rebooting")
                    && s.getLast().equals("Running/null"));
            assertTrue(steps.indexOf("Restarting/container_rebooting") < steps.lastIndexOf("Running/null"),
                    steps.toString());
            assertNotEquals(startedAt, dockerContainer(uuid).getState().getStartedAt());
            assertEquals("Success", awaitActionFinished(uuid, requestId(r)).getJsonArray("events")
                    .getJsonObject(0).getString("result"));
        }
    }

    // ---- kill -----------------------------------------------------------------------------------------------------

    @Test
    void killDeliversNamedAndNumberedSignals() {
        // GIVEN a container that exits 7 on SIGUSR1 (once its shell has set the trap, which it says with a file;
        // before that the signal would be lost on the container's first process), and a plain sleeper
        String trapping = create(api, "\"command\": [\"sh\", \"-c\", \"trap 'exit 7' USR1; touch /tmp/trapped; "
                + "while true; do sleep 1; done\"]", true);
        String sleeping = sleeper("");
        awaitStatus(trapping, "Running");
        Poll.until(WAIT, () -> api.post("/v1/containers/" + trapping + "/execute?command=test+-e+/tmp/trapped", null),
                r -> r.status() == 200 && r.json().getInteger("exit_code") == 0, "the trap to be set");

        // WHEN the first gets SIGUSR1 by name and the second signal 9 by number
        assertEquals(202, api.post("/v1/containers/" + trapping + "/kill?signal=SIGUSR1", null).status());
        assertEquals(202, api.post("/v1/containers/" + sleeping + "/kill?signal=9", null).status());

        // THEN the first exited through its trap, the second was killed
        JsonObject first = awaitStatus(trapping, "Stopped");
        assertTrue(first.getString("status_detail").startsWith("Exited(7)"), first.encode());
        JsonObject second = awaitStatus(sleeping, "Stopped");
        assertTrue(second.getString("status_detail").startsWith("Exited(137)"), second.encode());
    }

    @Test
    void killIsRefusedForAStoppedContainerAndForAnUnknownSignal() {
        String uuid = sleeper("");
        ZunHttp.Response bad = api.post("/v1/containers/" + uuid + "/kill?signal=SIGFOO", null);
        JsonObject e = assertZunError(bad, 400, "container.schema-validation-error", null);
        assertTrue(e.getString("title").startsWith("Invalid input for query parameters 'signal'. Value: 'SIGFOO'."),
                e.encode());
        assertEquals(202, api.post("/v1/containers/" + uuid + "/kill?signal=kill", null).status());
        awaitStatus(uuid, "Stopped");
        assertZunError(api.post("/v1/containers/" + uuid + "/kill?signal=None", null), 409,
                "container.invalid-state-exception", "Cannot kill container " + uuid + " in Stopped state");
    }

    // ---- pause and unpause ----------------------------------------------------------------------------------------

    @Test
    void pauseAndUnpauseFreezeAndThawTheContainer() {
        String uuid = sleeper("");

        assertEquals(202, api.post("/v1/containers/" + uuid + "/pause", null).status());
        awaitStatus(uuid, "Paused");
        assertTrue(dockerContainer(uuid).getState().getPaused());
        assertZunError(api.post("/v1/containers/" + uuid + "/pause", null), 409,
                "container.invalid-state-exception", "Cannot pause container " + uuid + " in Paused state");

        assertEquals(202, api.post("/v1/containers/" + uuid + "/unpause", null).status());
        awaitStatus(uuid, "Running");
        assertFalse(dockerContainer(uuid).getState().getPaused());
        assertZunError(api.post("/v1/containers/" + uuid + "/unpause", null), 409,
                "container.invalid-state-exception", "Cannot unpause container " + uuid + " in Running state");
    }

    // ---- commit ---------------------------------------------------------------------------------------------------

    @Test
    void commitMakesALocalImageLabelledWithTheAnsweredUuid() {
        // GIVEN a running container
        String uuid = sleeper("");
        String repository = "zunvx-it/commit-" + UUID.randomUUID().toString().substring(0, 8);

        // WHEN it is committed
        ZunHttp.Response r = api.post("/v1/containers/" + uuid + "/commit?repository=" + repository + "&tag=t1", null);

        // THEN 202 with the image's uuid, and the image appears with that uuid as its label
        assertEquals(202, r.status(), r.body());
        String image = r.json().getString("uuid");
        UUID.fromString(image);
        JsonObject action = awaitActionFinished(uuid, requestId(r));
        assertEquals("commit", action.getString("action"));
        assertEquals("compute__do_container_commit", action.getJsonArray("events").getJsonObject(0)
                .getString("event"));
        assertEquals("Success", action.getJsonArray("events").getJsonObject(0).getString("result"));
        // (under the project's own name: docs/images.md)
        String own = ProjectImages.scoped(platform.bootstrap().projectId(), repository + ":t1");
        try {
            InspectImageResponse img = docker.inspectImageCmd(own).exec();
            assertEquals(image, img.getConfig().getLabels().get("zunvx.image.uuid"));
            assertEquals(uuid, img.getConfig().getLabels().get("zunvx.committed-from"));
            assertEquals("", img.getConfig().getLabels().get("zunvx.uuid"), "platform labels are not inherited");
            // AND the container keeps running
            assertEquals("Running", show(uuid).getString("status"));
        } finally {
            docker.removeImageCmd(own).withForce(true).exec();
        }

        // AND without a tag the image is tagged latest
        ZunHttp.Response latest = api.post("/v1/containers/" + uuid + "/commit?repository=" + repository, null);
        assertEquals(202, latest.status(), latest.body());
        awaitActionFinished(uuid, requestId(latest));
        String ownLatest = ProjectImages.scoped(platform.bootstrap().projectId(), repository);
        try {
            assertEquals(latest.json().getString("uuid"), docker.inspectImageCmd(ownLatest).exec()
                    .getConfig().getLabels().get("zunvx.image.uuid"));
        } finally {
            docker.removeImageCmd(ownLatest).withForce(true).exec();
        }
    }

    @Test
    void commitIsRefusedWithoutARepositoryWithABadOneAndBeforeTheContainerRan() {
        String created = create(api, "\"command\": [\"sleep\", \"3600\"]", false);
        awaitStatus(created, "Created");
        assertZunError(api.post("/v1/containers/" + created + "/commit", null), 400,
                "container.schema-validation-error", "'repository' is a required property");
        assertZunError(api.post("/v1/containers/" + created + "/commit?repository=x&colour=red", null), 400,
                "container.schema-validation-error", "Additional properties are not allowed ('colour' was unexpected)");
        assertZunError(api.post("/v1/containers/" + created + "/commit?repository=Upper/Case", null), 400,
                "container.invalid-value", null);
        assertZunError(api.post("/v1/containers/" + created + "/commit?repository=zunvx-it/never", null), 409,
                "container.invalid-state-exception", "Cannot commit container " + created + " in Created state");
    }

    // ---- lifecycle policies ---------------------------------------------------------------------------------------

    @Test
    void onFailureRestartPolicyIsCarriedOutByDockerAndShown() {
        // GIVEN a container that always fails, with restart policy on-failure, at most 2 retries
        String uuid = create(api, """
                "command": ["sh", "-c", "exit 1"], "restart_policy": {"Name": "on-failure", "MaximumRetryCount": "2"}""",
                true);

        // WHEN Docker has given up on it
        InspectContainerResponse d = Poll.until(WAIT, () -> dockerContainerIfAny(uuid),
                o -> o.isPresent() && !o.get().getState().getRunning() && !o.get().getState().getRestarting()
                        && o.get().getRestartCount() == 2,
                "Docker to restart it twice and stop").orElseThrow();

        // THEN Docker applied the policy, and the container shows it and ends Stopped with its exit code
        assertEquals("on-failure", d.getHostConfig().getRestartPolicy().getName());
        assertEquals(2, d.getHostConfig().getRestartPolicy().getMaximumRetryCount());
        JsonObject c = awaitStatus(uuid, "Stopped");
        assertEquals(new JsonObject().put("Name", "on-failure").put("MaximumRetryCount", "2"),
                c.getJsonObject("restart_policy"));
        assertTrue(c.getString("status_detail").startsWith("Exited(1)"), c.encode());
    }

    @Test
    void healthcheckVerdictIsShownInTheStatusDetail() {
        // GIVEN a container whose healthcheck passes while /tmp/healthy exists (checked every second, and given a
        // minute to answer, so a busy machine does not make a check fail)
        String uuid = create(api, """
                "command": ["sh", "-c", "touch /tmp/healthy; sleep 3600"],
                "healthcheck": {"cmd": "test -e /tmp/healthy", "interval": 1, "retries": 1, "timeout": 60}""", true);
        awaitStatus(uuid, "Running");

        // WHEN Docker has checked it, THEN the detail says healthy
        Poll.until(WAIT, () -> show(uuid).getString("status_detail"),
                d -> d != null && d.startsWith("Up") && d.endsWith(" (healthy)"), "healthy in the status detail");

        // WHEN the file goes, THEN Docker's verdict and the detail turn unhealthy, the status stays Running
        ZunHttp.Response exec = api.post("/v1/containers/" + uuid + "/execute?command=rm+/tmp/healthy", null);
        assertEquals(200, exec.status(), exec.body());
        JsonObject c = Poll.until(WAIT, () -> show(uuid), x -> x.getString("status_detail").endsWith(" (unhealthy)"),
                "unhealthy in the status detail");
        assertEquals("Running", c.getString("status"));
        assertEquals("unhealthy", dockerContainer(uuid).getState().getHealth().getStatus());
    }
}
