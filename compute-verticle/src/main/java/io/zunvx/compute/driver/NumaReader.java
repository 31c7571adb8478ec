package io.zunvx.compute.driver;

import io.zunvx.model.NumaTopology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The machine's NUMA topology from Linux's sysfs: one {@code nodeN} directory per NUMA node under
 * {@code /sys/devices/system/node}, with its CPU ids in {@code cpulist} ({@code 0-3,8-11}) and its memory in
 * {@code meminfo} ({@code Node 0 MemTotal: 7563468 kB}, {@code Node 0 MemFree: ...}). A node's available memory is its
 * {@code MemFree}, as {@code numactl --hardware} shows it.
 *
 * <p>The agent reads its own machine, which is the Docker host when the engine is local. So that a remote engine is
 * not described with the agent's machine, the sysfs topology is used only when it agrees with what the engine reports
 * (the same number of CPUs, memory within 10%); otherwise, and where there is no sysfs, the host is one node with all
 * its CPUs and memory.
 */
public final class NumaReader {
    /** Where Linux lists NUMA nodes. */
    public static final Path SYSFS = Path.of("/sys/devices/system/node");

    private static final Pattern NODE_DIR = Pattern.compile("node(\\d+)");
    private static final Pattern MEM_LINE = Pattern.compile("^Node\\s+\\d+\\s+(MemTotal|MemFree):\\s+(\\d+)\\s+kB",
            Pattern.MULTILINE);

    private NumaReader() {
    }

    /**
     * The topology for a host whose engine reports {@code cpus} CPUs and {@code memTotalMiB} of memory: what
     * {@code root} says when it agrees with those figures, else a single node holding CPUs {@code 0..cpus-1} and all
     * the memory (then reported as available too: nothing better is known).
     */
    public static NumaTopology forHost(Path root, int cpus, long memTotalMiB) {
        Optional<NumaTopology> read = read(root);
        if (read.isPresent()) {
            NumaTopology t = read.get();
            long mem = t.nodes().stream().mapToLong(NumaTopology.Node::memTotal).sum();
            if (t.cpus().size() == cpus && Math.abs(mem - memTotalMiB) <= memTotalMiB / 10) {
                return t;
            }
        }
        return NumaTopology.single(cpus, memTotalMiB, memTotalMiB);
    }

    /** The nodes under {@code root}, or empty when there are none or they cannot be read. */
    public static Optional<NumaTopology> read(Path root) {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        TreeMap<Integer, Path> dirs = new TreeMap<>();
        try (Stream<Path> entries = Files.list(root)) {
            entries.forEach(p -> {
                Matcher m = NODE_DIR.matcher(p.getFileName().toString());
                if (m.matches() && Files.isDirectory(p)) {
                    dirs.put(Integer.parseInt(m.group(1)), p);
                }
            });
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (dirs.isEmpty()) {
            return Optional.empty();
        }
        try {
            List<NumaTopology.Node> nodes = new ArrayList<>();
            for (var e : dirs.entrySet()) {
                Path dir = e.getValue();
                List<Integer> cpus = parseCpuList(readOr(dir.resolve("cpulist"), ""));
                long total = 0;
                long free = 0;
                Matcher m = MEM_LINE.matcher(readOr(dir.resolve("meminfo"), ""));
                while (m.find()) {
                    long mib = Long.parseLong(m.group(2)) / 1024;
                    if ("MemTotal".equals(m.group(1))) {
                        total = mib;
                    } else {
                        free = mib;
                    }
                }
                nodes.add(new NumaTopology.Node(e.getKey(), cpus, List.of(), total, Math.min(free, total)));
            }
            return Optional.of(new NumaTopology(nodes));
        } catch (IllegalArgumentException e) {
            // Unexpected content (a format this reader does not know): no topology rather than a wrong one.
            return Optional.empty();
        }
    }

    /**
     * CPU ids of a Linux CPU list: comma-separated ids and inclusive ranges ({@code 0-3,8,10-11}); blank for none.
     *
     * @throws IllegalArgumentException if it is not one
     */
    public static List<Integer> parseCpuList(String list) {
        List<Integer> out = new ArrayList<>();
        String s = list.strip();
        if (s.isEmpty()) {
            return out;
        }
        for (String part : s.split(",")) {
            String p = part.strip();
            int dash = p.indexOf('-');
            try {
                if (dash < 0) {
                    out.add(Integer.parseInt(p));
                } else {
                    int from = Integer.parseInt(p.substring(0, dash));
                    int to = Integer.parseInt(p.substring(dash + 1));
                    if (from > to || to - from > 65_536) {
                        throw new IllegalArgumentException("bad CPU range " + p);
                    }
                    for (int c = from; c <= to; c++) {
                        out.add(c);
                    }
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a CPU list: " + list, e);
            }
        }
        return out;
    }

    private static String readOr(Path file, String otherwise) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return otherwise;
        }
    }
}
