package io.zunvx.compute.driver;

import java.util.List;
import java.util.Objects;

/**
 * An image the runtime holds on this host.
 *
 * @param id       the runtime's image id, e.g. {@code sha256:...}
 * @param size     its size in bytes
 * @param repoTags the {@code repository:tag} names it carries
 */
public record LocalImage(String id, long size, List<String> repoTags) {

    public LocalImage {
        Objects.requireNonNull(id, "id");
        repoTags = repoTags == null ? List.of() : List.copyOf(repoTags);
    }
}
