package io.zunvx.platform.auth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Who is calling: the claims of a verified token.
 *
 * @param userId      user id
 * @param userName    user name
 * @param projectId   project the token is scoped to
 * @param projectName project name
 * @param roles       role names, e.g. {@code admin}, {@code member}
 * @param expiresAt   token expiry
 */
public record Identity(String userId, String userName, String projectId, String projectName, List<String> roles,
                       Instant expiresAt) {
    public Identity {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(projectId, "projectId");
        roles = roles == null ? List.of() : List.copyOf(roles);
    }

    public boolean isAdmin() {
        return roles.contains("admin");
    }
}
