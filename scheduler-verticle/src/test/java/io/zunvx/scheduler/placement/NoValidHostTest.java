package io.zunvx.scheduler.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NoValidHostTest {

    @Test
    void reasonListsFiltersMostRejectionsFirstWithWhatWasMissing() {
        // GIVEN counts in the order the filters ran
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("ServiceEnabledFilter", 1);
        counts.put("MemoryFilter", 2);
        NoValidHost none = new NoValidHost(counts, 3);

        // WHEN
        String reason = none.reason();

        // THEN
        assertEquals("There are not enough hosts available. 3 hosts considered: "
                + "MemoryFilter rejected 2 (not enough memory), "
                + "ServiceEnabledFilter rejected 1 (disabled or down).", reason);
    }

    @Test
    void equalCountsKeepFilterOrder() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("CpuFilter", 1);
        counts.put("RuntimeFilter", 1);
        counts.put("LabelFilter", 0);
        assertEquals("There are not enough hosts available. 2 hosts considered: "
                + "CpuFilter rejected 1 (not enough vCPUs), RuntimeFilter rejected 1 (runtime not offered).",
                new NoValidHost(counts, 2).reason());
    }

    @Test
    void reasonWithoutAnyHost() {
        assertEquals("There are not enough hosts available. 0 hosts considered.",
                new NoValidHost(Map.of(), 0).reason());
    }

    @Test
    void reasonForOneHostAndAnUnknownFilter() {
        assertEquals("There are not enough hosts available. 1 host considered: SomeFilter rejected 1.",
                new NoValidHost(Map.of("SomeFilter", 1), 1).reason());
    }

    @Test
    void countsKeepTheirOrder() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("b", 1);
        counts.put("a", 1);
        assertEquals(List.of("b", "a"), List.copyOf(new NoValidHost(counts, 2).rejectedByFilter().keySet()));
    }
}
