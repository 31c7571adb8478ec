package io.zunvx.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NumaTopologyTest {

    @Test
    void aSingleNodeHoldsEveryCpuAndAllTheMemory() {
        NumaTopology t = NumaTopology.single(3, 2048, 4096);
        assertEquals(List.of(new NumaTopology.Node(0, List.of(0, 1, 2), List.of(), 2048, 2048)), t.nodes());
        assertEquals(List.of(0, 1, 2), t.cpus());
    }

    @Test
    void pinnedCpusGoToTheirNodes() {
        NumaTopology t = new NumaTopology(List.of(new NumaTopology.Node(0, List.of(2, 0), List.of(), 10, 5),
                new NumaTopology.Node(1, List.of(1, 3), null, 10, 5)));
        NumaTopology pinned = t.withPinned(Set.of(0, 3, 7));
        assertEquals(List.of(0), pinned.nodes().get(0).pinnedCpus());
        assertEquals(List.of(0, 2), pinned.nodes().get(0).cpuset());
        assertEquals(List.of(3), pinned.nodes().get(1).pinnedCpus());
        assertEquals(List.of(0, 1, 2, 3), pinned.cpus());
    }

    @Test
    void impossibleTopologiesAreRefused() {
        var n0 = new NumaTopology.Node(0, List.of(0, 1), List.of(), 10, 5);
        assertThrows(IllegalArgumentException.class, () -> new NumaTopology(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new NumaTopology(List.of(n0, n0)));
        assertThrows(IllegalArgumentException.class, () -> new NumaTopology(List.of(n0,
                new NumaTopology.Node(1, List.of(1), List.of(), 1, 1))));
        assertThrows(IllegalArgumentException.class, () -> new NumaTopology.Node(0, List.of(1, 1), List.of(), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new NumaTopology.Node(0, List.of(-1), List.of(), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new NumaTopology.Node(0, List.of(0), List.of(1), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new NumaTopology.Node(0, List.of(0), List.of(), 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new NumaTopology.Node(-1, List.of(0), List.of(), 1, 1));
    }
}
