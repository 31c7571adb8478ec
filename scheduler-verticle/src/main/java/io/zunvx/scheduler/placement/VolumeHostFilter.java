package io.zunvx.scheduler.placement;

import io.zunvx.model.Volume;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * Only the host where the existing volumes a container mounts live (the API names them in the
 * {@link Volume#HOST_HINT} hint). Volumes on two different hosts leave no host at all.
 */
public record VolumeHostFilter() implements HostFilter {

    public static final String NAME = "VolumeHostFilter";
    public static final String EXPLANATION = "not the host its volumes live on";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String explanation() {
        return EXPLANATION;
    }

    @Override
    public Check bind(PlacementRequest request, Instant now) {
        return pinned(request, Volume.HOST_HINT);
    }

    /**
     * The check for a hint naming the hosts something the request needs lives on: none when the hint is absent, the
     * one host when it names one, no host at all when it names several.
     */
    static Check pinned(PlacementRequest request, String hintKey) {
        String hint = request.hints().get(hintKey);
        if (hint == null || hint.isBlank()) {
            return null;
        }
        Set<String> hosts = new TreeSet<>(Arrays.asList(hint.split(",")));
        if (hosts.size() != 1) {
            return host -> false;
        }
        String only = hosts.iterator().next();
        return host -> only.equals(host.hostname);
    }
}
