package io.zunvx.model;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A Docker registry a project pulls from with its own credentials (Zun's {@code registry} object). The password is
 * kept encrypted by the platform and never travels in this record; {@code hasPassword} only says whether one is set.
 *
 * @param uuid        id
 * @param name        name, unique within the project when set
 * @param domain      registry host, e.g. {@code 127.0.0.1:5000} or {@code registry.example.com}
 * @param username    user name for the registry, may be {@code null}
 * @param hasPassword whether a password is stored
 * @param projectId   owning project
 * @param userId      creating user
 * @param createdAt   creation time
 * @param updatedAt   last change, {@code null} if never changed
 */
public record Registry(
        UUID uuid,
        String name,
        String domain,
        String username,
        boolean hasPassword,
        String projectId,
        String userId,
        Instant createdAt,
        Instant updatedAt) {

    public Registry {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(projectId, "projectId");
    }
}
