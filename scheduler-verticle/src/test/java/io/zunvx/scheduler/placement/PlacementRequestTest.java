package io.zunvx.scheduler.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.model.Container;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PlacementRequestTest {

    private static Container.Builder container() {
        return Container.builder().uuid(UUID.randomUUID()).name("c").projectId("p").image("busybox");
    }

    @Test
    void fromCopiesWhatPlacementNeeds() {
        // GIVEN
        Container c = container().cpu(2.0).memory(256).disk(5).runtime("kata").cpuPolicy("dedicated")
                .availabilityZone("az1").requestedHost("h1").hints(Map.of("label:ssd", "true")).build();

        // WHEN
        PlacementRequest r = PlacementRequest.from(c);

        // THEN
        assertEquals(c.uuid(), r.uuid());
        assertEquals(2.0, r.cpu());
        assertEquals(256, r.memory());
        assertEquals(5, r.disk());
        assertEquals("kata", r.runtime());
        assertTrue(r.dedicated());
        assertEquals(2, r.dedicatedCpus());
        assertEquals("az1", r.availabilityZone());
        assertEquals("h1", r.requestedHost());
        assertEquals(Map.of("ssd", "true"), r.labelHints());
    }

    @Test
    void fromTreatsNoMemoryLimitAsZeroAndDefaultsToShared() {
        // GIVEN
        Container c = container().memory(null).cpuPolicy(null).build();

        // WHEN
        PlacementRequest r = PlacementRequest.from(c);

        // THEN
        assertEquals(0, r.memory());
        assertEquals(PlacementRequest.SHARED, r.cpuPolicy());
        assertFalse(r.dedicated());
        assertEquals(0, r.dedicatedCpus());
        assertNull(r.runtime());
    }

    @Test
    void dedicatedAlwaysPinsAtLeastOneWholeCpu() {
        PlacementRequest half = TestHosts.request().dedicated().cpu(0.5).build();
        PlacementRequest oneAndABit = TestHosts.request().dedicated().cpu(1.2).build();
        assertEquals(1, half.dedicatedCpus());
        assertEquals(2, oneAndABit.dedicatedCpus());
    }

    @Test
    void blankStringsMeanNotGiven() {
        PlacementRequest r = new PlacementRequest(UUID.randomUUID(), 1, 0, 0, " ", "", "", "", null);
        assertNull(r.runtime());
        assertNull(r.availabilityZone());
        assertNull(r.requestedHost());
        assertEquals(PlacementRequest.SHARED, r.cpuPolicy());
        assertEquals(Map.of(), r.hints());
    }

    @Test
    void rejectsNonsense() {
        UUID id = UUID.randomUUID();
        assertThrows(IllegalArgumentException.class,
                () -> new PlacementRequest(id, -1, 0, 0, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new PlacementRequest(id, Double.NaN, 0, 0, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new PlacementRequest(id, 1, -1, 0, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new PlacementRequest(id, 1, 0, 0, null, "isolated", null, null, null));
    }
}
