package io.zunvx.model;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A Neutron network: an isolated layer-2 segment of one project (or of every project when {@code shared}).
 *
 * @param uuid           the network id
 * @param name           its name, may be empty
 * @param projectId      the owning project
 * @param shared         visible to and usable by every project
 * @param adminStateUp   Neutron's administrative state (kept, not acted on)
 * @param description    free text
 * @param projectDefault the network the project got on first use
 * @param createdAt      creation time
 * @param updatedAt      last change, or {@code null}
 */
public record Network(UUID uuid, String name, String projectId, boolean shared, boolean adminStateUp,
                      String description, boolean projectDefault, Instant createdAt, Instant updatedAt) {
    public Network {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(projectId, "projectId");
        name = name == null ? "" : name;
        description = description == null ? "" : description;
    }

    /** Whether a caller of {@code project} (not admin) may see and use it. */
    public boolean visibleTo(String project) {
        return shared || projectId.equals(project);
    }
}
