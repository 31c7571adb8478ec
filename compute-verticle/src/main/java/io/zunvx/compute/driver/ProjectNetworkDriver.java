package io.zunvx.compute.driver;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The port to a host's project networks: one runtime network per platform network the host needs, endpoints with
 * fixed addresses, the host firewall that keeps networks apart, and each container's security groups. (The runtime's
 * own {@link NetworkDriver} keeps the configured network of containers without ports.) Implementations block; call them off the event
 * loop. Failures are {@link DriverException}s.
 */
public interface ProjectNetworkDriver extends AutoCloseable {

    /**
     * A platform network as a host realises it.
     *
     * @param uuid    the network id
     * @param cidr    its subnet's range
     * @param gateway the address the host takes on it, {@code null} to let the runtime choose
     */
    record Spec(UUID uuid, String cidr, String gateway) {
    }

    /**
     * One endpoint to make: the container on a network at a fixed address.
     *
     * @param network the network
     * @param ip      the IPv4 address
     * @param aliases names other containers on the network resolve to it
     */
    record Endpoint(Spec network, String ip, List<String> aliases) {
    }

    /** Makes the runtime network for {@code spec} unless it exists; returns the runtime's name for it. */
    String ensure(Spec spec);

    /**
     * Connects a created container to {@code endpoint}'s network at its address (first leaving the runtime's "no
     * network" mode if it is in it). Connecting it again at the same address does nothing.
     */
    void connect(String containerId, Endpoint endpoint);

    /** Disconnects the container from the network; a container not connected is not an error. */
    void disconnect(String containerId, UUID network);

    /**
     * The platform networks this host's runtime holds (by the label set at creation) that were made at least
     * {@code minAge} ago (a younger one may be about to get its first container).
     */
    Set<UUID> networks(Duration minAge);

    /** Removes the runtime network; one still used by a container stays (and the call says so by returning false). */
    boolean remove(UUID network);

    /**
     * Installs the host rules that stop traffic between different platform networks (idempotent). Throws when the
     * host cannot enforce them, so the caller can say isolation is off.
     */
    void isolate();

    /**
     * Replaces the container's firewall (inside its network namespace) with exactly these allowed flows, each a list
     * of iptables match arguments; replies to allowed traffic and loopback always pass, everything else is dropped.
     * A container that is not running is left alone.
     */
    void enforce(String containerId, List<String> ingress, List<String> egress);

    @Override
    void close();
}
