package io.zunvx.compute.driver;

import io.zunvx.model.Container;
import io.zunvx.model.Status;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A container as the runtime sees it right now; the sync loop compares it with the stored desired state.
 *
 * @param id           the runtime's container id
 * @param name         the runtime's container name, without Docker's leading slash
 * @param status       the runtime state in Zun's terms
 * @param statusDetail Docker-like text such as {@code Up 5 mins}, {@code Exited(0) 8 mins ago} or {@code Paused}
 * @param exitCode     exit code of the last run when stopped, dead or failed to start, otherwise {@code null}
 * @param error        the runtime's error text (for example why a start failed), {@code null} when none
 * @param oomKilled    whether the last run was killed for running out of memory
 * @param health       {@code healthy}, {@code unhealthy}, {@code starting}, or {@code null} without a healthcheck
 * @param startedAt    when the last run started, {@code null} if it never ran
 * @param finishedAt   when the last run ended, {@code null} if it never ended
 * @param labels       the container's labels, including {@link Container#LABEL_UUID} and {@link Container#LABEL_HOST}
 */
public record Observed(
        String id,
        String name,
        Status status,
        String statusDetail,
        Integer exitCode,
        String error,
        boolean oomKilled,
        String health,
        Instant startedAt,
        Instant finishedAt,
        Map<String, String> labels) {

    public Observed {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /**
     * The healthcheck verdict a status detail shows, as drivers append it ({@code Up 5 mins (healthy)},
     * {@code (unhealthy)}, {@code (health: starting)}): {@code healthy}, {@code unhealthy}, {@code starting}, or
     * {@code null} when it shows none.
     */
    public static String healthShownIn(String statusDetail) {
        if (statusDetail == null) {
            return null;
        }
        if (statusDetail.endsWith(" (healthy)")) {
            return "healthy";
        }
        if (statusDetail.endsWith(" (unhealthy)")) {
            return "unhealthy";
        }
        if (statusDetail.endsWith(" (health: starting)")) {
            return "starting";
        }
        return null;
    }

    /** The Zun-VX uuid label, or {@code null} for a container this platform did not create. */
    public String uuid() {
        return labels.get(Container.LABEL_UUID);
    }
}
