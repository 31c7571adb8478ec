package io.zunvx.launcher;

import io.zunvx.api.app.ApiVerticle;
import io.zunvx.compute.app.ComputeVerticle;
import io.zunvx.platform.app.Platform;
import io.zunvx.scheduler.app.SchedulerComponents;
import io.zunvx.wsproxy.WsProxyComponents;
import java.util.function.Function;

/**
 * How each role is built from the shared platform pieces: one factory per role, the same for a role process and for
 * the all-in-one, so the two wirings cannot drift. {@link #standard()} is production's; tests replace a factory
 * with {@code with*} to get a seam (their own instance of a role's components, a compute agent with crash points).
 */
public record Roles(Function<Platform, Role> api, Function<Platform, Role> scheduler,
                    Function<Platform, Role> compute, Function<Platform, Role> wsproxy) {

    /** The production factories. */
    public static Roles standard() {
        return new Roles(Roles::api, Roles::scheduler, Roles::compute, Roles::wsproxy);
    }

    public static Role api(Platform platform) {
        return Role.of(new ApiVerticle(platform));
    }

    public static Role scheduler(Platform platform) {
        return Role.of(SchedulerComponents.create(platform).verticle());
    }

    /** The agent of the Docker engine named by {@code platform.config().compute()}; it releases its Docker client itself. */
    public static Role compute(Platform platform) {
        return Role.of(new ComputeVerticle(platform));
    }

    public static Role wsproxy(Platform platform) {
        return Role.of(WsProxyComponents.create(platform).verticle());
    }

    public Roles withScheduler(Function<Platform, Role> factory) {
        return new Roles(api, factory, compute, wsproxy);
    }

    public Roles withCompute(Function<Platform, Role> factory) {
        return new Roles(api, scheduler, factory, wsproxy);
    }
}
