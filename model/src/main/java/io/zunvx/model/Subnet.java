package io.zunvx.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * An IPv4 range of a network. Every subnet of the platform lies in one address space (a Docker host may hold
 * containers of any network), so no two subnets overlap.
 *
 * @param uuid            the subnet id
 * @param networkId       its network
 * @param name            its name, may be empty
 * @param projectId       the owning project
 * @param cidr            the range, e.g. {@code 10.128.0.0/24}
 * @param gatewayIp       the gateway address, {@code null} for none
 * @param allocationPools the ranges ports are given addresses from
 * @param enableDhcp      Neutron's flag (kept; addresses are always assigned by the platform)
 * @param description     free text
 * @param createdAt       creation time
 */
public record Subnet(UUID uuid, UUID networkId, String name, String projectId, String cidr, String gatewayIp,
                     List<Pool> allocationPools, boolean enableDhcp, String description, Instant createdAt) {
    public Subnet {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(cidr, "cidr");
        name = name == null ? "" : name;
        description = description == null ? "" : description;
        allocationPools = allocationPools == null ? List.of() : List.copyOf(allocationPools);
    }

    /** One allocation pool, both ends included. */
    public record Pool(String start, String end) {
        public Pool {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
        }
    }
}
