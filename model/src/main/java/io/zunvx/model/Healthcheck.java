package io.zunvx.model;

/**
 * A container healthcheck as Zun stores it ({@code cmd} on input becomes {@code test}).
 *
 * @param test     shell command run inside the container
 * @param interval seconds between checks (0 = Docker's default)
 * @param retries  consecutive failures before unhealthy (0 = Docker's default)
 * @param timeout  seconds before a check counts as failed (0 = Docker's default)
 */
public record Healthcheck(String test, int interval, int retries, int timeout) {
    public Healthcheck {
        if (test == null || test.isBlank()) {
            throw new IllegalArgumentException("healthcheck needs a command");
        }
        if (interval < 0 || retries < 0 || timeout < 0) {
            throw new IllegalArgumentException("healthcheck interval, retries and timeout must not be negative");
        }
    }
}
