package io.zunvx.compute.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.model.NumaTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NUMA nodes read from a sysfs tree, and the single-node fallback when there is none or it disagrees with Docker. */
class NumaReaderTest {
    @TempDir
    Path sys;

    private void node(int id, String cpulist, long totalKb, long freeKb) throws IOException {
        Path dir = Files.createDirectories(sys.resolve("node" + id));
        Files.writeString(dir.resolve("cpulist"), cpulist + "\n");
        Files.writeString(dir.resolve("meminfo"), """
                Node %1$d MemTotal:       %2$d kB
                Node %1$d MemFree:        %3$d kB
                Node %1$d MemUsed:        %4$d kB
                Node %1$d HugePages_Total:     0
                """.formatted(id, totalKb, freeKb, totalKb - freeKb));
    }

    @Test
    void twoNodesAreReadWithTheirCpusAndMemoryInMib() throws IOException {
        // GIVEN two NUMA nodes (and the other entries sysfs has)
        node(0, "0-3,8-11", 8 * 1024 * 1024, 6 * 1024 * 1024);
        node(1, "4-7,12-15", 8 * 1024 * 1024, 1024 * 1024 + 512);
        Files.writeString(sys.resolve("online"), "0-1\n");
        Files.createDirectories(sys.resolve("power"));

        // WHEN read
        NumaTopology t = NumaReader.read(sys).orElseThrow();

        // THEN each node has its CPU ids and its memory in MiB
        assertEquals(List.of(new NumaTopology.Node(0, List.of(0, 1, 2, 3, 8, 9, 10, 11), List.of(), 8192, 6144),
                new NumaTopology.Node(1, List.of(4, 5, 6, 7, 12, 13, 14, 15), List.of(), 8192, 1024)), t.nodes());
        // AND it is used when it agrees with what the engine reports
        assertEquals(t, NumaReader.forHost(sys, 16, 16_300));
    }

    @Test
    void aHostWithoutSysfsOrDisagreeingWithTheEngineIsOneNode() throws IOException {
        NumaTopology single = new NumaTopology(List.of(new NumaTopology.Node(0, List.of(0, 1, 2, 3), List.of(),
                4096, 4096)));
        // no sysfs at all
        assertEquals(Optional.empty(), NumaReader.read(sys.resolve("absent")));
        assertEquals(single, NumaReader.forHost(sys.resolve("absent"), 4, 4096));
        // a sysfs with another machine's CPUs or memory (a remote engine)
        node(0, "0-1", 2 * 1024 * 1024, 1024 * 1024);
        assertEquals(single, NumaReader.forHost(sys, 4, 4096));
        assertEquals(NumaTopology.single(2, 8192, 8192), NumaReader.forHost(sys, 2, 8192));
    }

    @Test
    void unreadableContentGivesNoTopologyRatherThanAWrongOne() throws IOException {
        node(0, "0-x", 1024, 1024);
        assertEquals(Optional.empty(), NumaReader.read(sys));
    }

    @Test
    void cpuListsAreParsed() {
        assertEquals(List.of(0, 1, 2, 3, 8, 10, 11), NumaReader.parseCpuList("0-3,8,10-11\n"));
        assertEquals(List.of(), NumaReader.parseCpuList(" \n"));
        assertEquals(List.of(5), NumaReader.parseCpuList("5"));
        assertThrows(IllegalArgumentException.class, () -> NumaReader.parseCpuList("3-1"));
        assertThrows(IllegalArgumentException.class, () -> NumaReader.parseCpuList("a"));
    }

    @Test
    void thisMachineIsDescribedWhateverItHas() {
        // Linux lists its nodes; elsewhere (or in a sandbox without sysfs) the fallback is one node.
        NumaTopology t = NumaReader.forHost(NumaReader.SYSFS, Runtime.getRuntime().availableProcessors(), 1024);
        assertTrue(t.nodes().size() >= 1);
        assertEquals(Runtime.getRuntime().availableProcessors(), t.cpus().size());
    }
}
