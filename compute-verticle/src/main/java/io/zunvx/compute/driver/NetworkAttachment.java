package io.zunvx.compute.driver;

import java.util.Objects;

/**
 * One network a container is connected to.
 *
 * @param name       the network's name
 * @param networkId  the runtime's network id
 * @param endpointId the runtime's id of the container's endpoint on it, {@code null} while it has none
 * @param ipv4       the container's IPv4 address on it, {@code null} while it has none (e.g. when stopped)
 * @param ipv6       the container's global IPv6 address on it, {@code null} when none
 */
public record NetworkAttachment(String name, String networkId, String endpointId, String ipv4, String ipv6) {
    public NetworkAttachment {
        Objects.requireNonNull(name, "name");
    }
}
