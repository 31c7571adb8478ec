package io.zunvx.launcher;

import io.vertx.core.Deployable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One role as its module's components built it: the verticle to deploy, and what to release once it is undeployed
 * (a Docker client, for instance).
 */
public record Role(Deployable verticle, AutoCloseable resources) {
    private static final Logger LOG = LoggerFactory.getLogger(Role.class);

    /** A role with nothing to release beyond its verticle. */
    public static Role of(Deployable verticle) {
        return new Role(verticle, () -> { });
    }

    /** Releases the resources; at shutdown a failure is worth a log line, not an exception. */
    public void release() {
        try {
            resources.close();
        } catch (Exception e) {
            LOG.warn("releasing a role: {}", e.toString());
        }
    }
}
