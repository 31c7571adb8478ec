package io.zunvx.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A Neutron port: one fixed IPv4 address on one subnet of a network, used by at most one container.
 *
 * @param uuid             the port id
 * @param networkId        its network
 * @param subnetId         the subnet its address is on
 * @param name             its name, may be empty
 * @param projectId        the owning project
 * @param ipAddress        the fixed address
 * @param macAddress       the MAC address it reports
 * @param deviceId         the container's uuid while one uses it, else empty
 * @param deviceOwner      {@code compute:zun} while a container uses it, else empty
 * @param host             the host whose engine holds the endpoint, {@code null} before placement
 * @param preserveOnDelete kept when its container is deleted (ports made by the user); made for the container otherwise
 * @param securityGroups   security group ids applied to it
 * @param description      free text
 * @param createdAt        creation time
 */
public record Port(UUID uuid, UUID networkId, UUID subnetId, String name, String projectId, String ipAddress,
                   String macAddress, String deviceId, String deviceOwner, String host, boolean preserveOnDelete,
                   List<String> securityGroups, String description, Instant createdAt) {
    /** {@code device_owner} of a port a container uses. */
    public static final String OWNER_ZUN = "compute:zun";

    /**
     * Scheduler hint the API sets on a container given ports already bound to a host ({@code binding:host_id}):
     * those hosts, comma-separated. Users cannot send it themselves.
     */
    public static final String HOST_HINT = "zunvx:port-hosts";

    public Port {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(subnetId, "subnetId");
        Objects.requireNonNull(ipAddress, "ipAddress");
        name = name == null ? "" : name;
        deviceId = deviceId == null ? "" : deviceId;
        deviceOwner = deviceOwner == null ? "" : deviceOwner;
        description = description == null ? "" : description;
        securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
    }

    /** The container address this port gives, in Zun's {@code addresses} shape. */
    public Address address() {
        return new Address(ipAddress, 4, uuid.toString(), subnetId.toString(), preserveOnDelete);
    }
}
