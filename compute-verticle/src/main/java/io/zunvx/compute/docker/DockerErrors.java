package io.zunvx.compute.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.DriverException.Kind;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.function.Supplier;

/** The one place where docker-java's failures become {@link DriverException}s. */
final class DockerErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerErrors() {
    }

    static DriverException translate(Throwable e) {
        if (e instanceof DriverException d) {
            return d;
        }
        if (e instanceof NotFoundException) {
            return new DriverException(Kind.NOT_FOUND, message(e), e);
        }
        if (e instanceof ConflictException) {
            return new DriverException(Kind.CONFLICT, message(e), e);
        }
        if (e instanceof BadRequestException) {
            return new DriverException(Kind.BAD_REQUEST, message(e), e);
        }
        if (e instanceof DockerException d) {
            return new DriverException(Kind.OTHER, message(d), e);
        }
        if (e instanceof IllegalArgumentException) {
            // docker-java's parsers (ports, restart policies) reject values the engine would never accept either
            return new DriverException(Kind.BAD_REQUEST, String.valueOf(e.getMessage()), e);
        }
        // docker-java wraps transport failures (refused or broken connections, timeouts) in bare RuntimeExceptions.
        Throwable io = ioCause(e);
        if (io != null) {
            return new DriverException(Kind.UNAVAILABLE, "Docker engine unavailable: " + io, e);
        }
        return new DriverException(Kind.OTHER, String.valueOf(e.getMessage()), e);
    }

    /** Runs a docker-java call, its failures translated. */
    static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /** Docker's own error text: docker-java's message is {@code Status 404: {"message":"..."}} plus a newline. */
    static String message(Throwable e) {
        String raw = e.getMessage();
        if (raw == null) {
            return e.getClass().getSimpleName();
        }
        int brace = raw.indexOf('{');
        if (brace >= 0) {
            try {
                JsonNode body = JSON.readTree(raw.substring(brace));
                JsonNode message = body == null ? null : body.get("message");
                if (message != null && message.isTextual()) {
                    return message.asText();
                }
            } catch (IOException ignored) {
                // not JSON after all: fall through to the raw text
            }
        }
        return raw.strip();
    }

    /**
     * Whether Docker's message says so, ignoring case. "Already in that state" answers are recognised by their text:
     * the status code does not tell one conflict from another, and varies by engine version (20.10 answers the unpause
     * of a running container with a 500).
     */
    static boolean says(RuntimeException e, String fragment) {
        String m = e.getMessage();
        return m != null && m.toLowerCase(Locale.ROOT).contains(fragment);
    }

    private static Throwable ioCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
