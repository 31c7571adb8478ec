package io.zunvx.compute.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.zunvx.compute.driver.Observed;
import io.zunvx.model.Status;
import org.junit.jupiter.api.Test;

class DockerHealthTest {

    @Test
    void aRunningContainersHealthIsAppendedAsDockerPsShowsIt() {
        // GIVEN a running container's detail and Docker's health verdict WHEN combined THEN docker ps's wording
        assertEquals("Up 5 mins (healthy)", DockerStates.withHealth("Up 5 mins", Status.RUNNING, "healthy"));
        assertEquals("Up 5 mins (unhealthy)", DockerStates.withHealth("Up 5 mins", Status.RUNNING, "unhealthy"));
        assertEquals("Up 1 second (health: starting)",
                DockerStates.withHealth("Up 1 second", Status.RUNNING, "starting"));
    }

    @Test
    void withoutAHealthcheckOrWhenNotRunningTheDetailStaysAsItIs() {
        assertEquals("Up 5 mins", DockerStates.withHealth("Up 5 mins", Status.RUNNING, null));
        assertEquals("Exited(0) 1 min ago", DockerStates.withHealth("Exited(0) 1 min ago", Status.STOPPED,
                "unhealthy"));
        assertEquals("Paused", DockerStates.withHealth("Paused", Status.PAUSED, "healthy"));
    }

    @Test
    void theVerdictIsReadBackFromADetail() {
        // GIVEN details as stored WHEN read THEN the verdict they show, so the sync loop sees a change
        assertEquals("healthy", Observed.healthShownIn("Up 5 mins (healthy)"));
        assertEquals("unhealthy", Observed.healthShownIn("Up 5 mins (unhealthy)"));
        assertEquals("starting", Observed.healthShownIn("Up 1 second (health: starting)"));
        assertNull(Observed.healthShownIn("Up 5 mins"));
        assertNull(Observed.healthShownIn(null));
    }
}
