package io.zunvx.model;

/**
 * One address of a container on one network, shaped as Zun's {@code addresses} entries.
 *
 * @param addr             the IP address
 * @param version          4 or 6
 * @param port             the port (endpoint) id on that network
 * @param subnetId         the subnet id, if known
 * @param preserveOnDelete whether the port outlives the container
 */
public record Address(String addr, int version, String port, String subnetId, boolean preserveOnDelete) {
    public Address {
        if (version != 4 && version != 6) {
            throw new IllegalArgumentException("IP version must be 4 or 6");
        }
    }
}
