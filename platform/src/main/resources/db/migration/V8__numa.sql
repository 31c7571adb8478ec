-- NUMA topology of each host as its agent reports it, in Zun's shape:
-- {"nodes": [{"id": 0, "cpuset": [0, 1], "pinned_cpus": [], "mem_total": MiB, "mem_available": MiB}]}.
-- NULL until the host's agent reports it. Which CPUs are pinned is kept in cpu_pins, not here.
ALTER TABLE compute_nodes ADD COLUMN numa_topology jsonb;
