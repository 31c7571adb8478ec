package io.zunvx.compute.driver;

import java.util.Objects;

/**
 * Credentials for a private registry, handed to the runtime with a pull.
 *
 * @param registry the registry's address as it appears in image references, e.g. {@code 127.0.0.1:5000}
 * @param username the user name, may be {@code null}
 * @param password the password, may be {@code null}
 */
public record RegistryAuth(String registry, String username, String password) {

    public RegistryAuth {
        Objects.requireNonNull(registry, "registry");
    }

    /** Who pulls: the user at the registry, or the registry alone for an anonymous pull. */
    public String principal() {
        return (username == null ? "" : username) + "@" + registry;
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "RegistryAuth[registry=" + registry + ", username=" + username + ", password="
                + (password == null ? "null" : "***") + "]";
    }
}
