package io.zunvx.compute.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import io.zunvx.compute.driver.Observed;
import io.zunvx.model.Status;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** Translation of Docker's container state into Zun's status and status detail. */
final class DockerStates {

    /** Docker writes this instead of leaving a time out. */
    private static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    private DockerStates() {
    }

    static Observed observe(InspectContainerResponse r, Instant now) {
        InspectContainerResponse.ContainerState state = r.getState();
        String dockerStatus = state == null ? null : state.getStatus();
        String error = state == null ? null : blankToNull(state.getError());
        Instant startedAt = state == null ? null : timestamp(state.getStartedAt());
        Instant finishedAt = state == null ? null : timestamp(state.getFinishedAt());
        Status status = status(dockerStatus, error);
        Long exit = state == null ? null : state.getExitCodeLong();
        Integer exitCode = exit != null && hasExitCode(status) ? Integer.valueOf(exit.intValue()) : null;
        String health = state == null || state.getHealth() == null ? null : health(state.getHealth().getStatus());
        Map<String, String> labels = r.getConfig() == null ? null : r.getConfig().getLabels();
        return new Observed(
                r.getId(),
                stripSlash(r.getName()),
                status,
                withHealth(detail(status, dockerStatus, exitCode, startedAt, finishedAt, now), status, health),
                exitCode,
                error,
                state != null && Boolean.TRUE.equals(state.getOOMKilled()),
                health,
                startedAt,
                finishedAt,
                labels);
    }

    /**
     * Zun's status for Docker's state. A container left in {@code created} with an error is one whose start failed:
     * Zun reports it as {@link Status#ERROR}, and so must the sync loop, or it would flip the failure back to Created.
     */
    static Status status(String dockerStatus, String error) {
        if (dockerStatus == null) {
            return Status.UNKNOWN;
        }
        return switch (dockerStatus) {
            case "running" -> Status.RUNNING;
            case "paused" -> Status.PAUSED;
            case "exited" -> Status.STOPPED;
            case "dead" -> Status.DEAD;
            case "created" -> error == null ? Status.CREATED : Status.ERROR;
            case "restarting" -> Status.RESTARTING;
            case "removing" -> Status.DELETING;
            default -> Status.UNKNOWN;
        };
    }

    static String detail(Status status, String dockerStatus, Integer exitCode, Instant startedAt, Instant finishedAt,
                         Instant now) {
        return switch (status) {
            case RUNNING -> startedAt == null ? "Up" : "Up " + elapsed(startedAt, now);
            case STOPPED -> "Exited(" + (exitCode == null ? 0 : exitCode) + ")"
                    + (finishedAt == null ? "" : " " + elapsed(finishedAt, now) + " ago");
            case PAUSED -> "Paused";
            case CREATED -> "Created";
            case ERROR -> "Error";
            case DEAD -> "Dead";
            case RESTARTING -> "Restarting";
            case DELETING -> "Removing";
            default -> dockerStatus;
        };
    }

    /**
     * The healthcheck's verdict appended as {@code docker ps} shows it, {@code Up 5 mins (healthy)}, while the container
     * runs: Zun keeps no health field, and the status detail is where its users read Docker's view.
     */
    static String withHealth(String detail, Status status, String health) {
        if (health == null || status != Status.RUNNING || detail == null) {
            return detail;
        }
        return detail + " (" + ("starting".equals(health) ? "health: starting" : health) + ")";
    }

    /** Zun's wording of an elapsed time: its largest whole unit only. */
    static String elapsed(Instant since, Instant now) {
        Duration d = Duration.between(since, now);
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        if (d.toDays() > 0) {
            return plural(d.toDays(), "day");
        }
        if (d.toHours() > 0) {
            return plural(d.toHours(), "hour");
        }
        if (d.toMinutes() > 0) {
            return plural(d.toMinutes(), "min");
        }
        if (d.toSeconds() > 0) {
            return plural(d.toSeconds(), "second");
        }
        return "Less than a second";
    }

    /** A Docker timestamp, or {@code null} for Docker's zero time, empty or unparseable text. */
    static Instant timestamp(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            Instant t = OffsetDateTime.parse(text).toInstant();
            return t.equals(ZERO_TIME) ? null : t;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static boolean hasExitCode(Status status) {
        return status == Status.STOPPED || status == Status.DEAD || status == Status.ERROR;
    }

    private static String health(String dockerHealth) {
        return dockerHealth == null || dockerHealth.isBlank() || "none".equals(dockerHealth) ? null : dockerHealth;
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    private static String stripSlash(String name) {
        return name != null && name.startsWith("/") ? name.substring(1) : name;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
