package io.zunvx.scheduler.placement;

import java.time.Instant;
import java.util.Map;

/**
 * Only hosts whose labels match every {@code label:<key>=<value>} hint of the request (for example the hint
 * {@code label:ssd=true} needs the host label {@code ssd=true}).
 */
public record LabelFilter() implements HostFilter {

    public static final String NAME = "LabelFilter";
    public static final String EXPLANATION = "labels do not match";

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
        Map<String, String> wanted = request.labelHints();
        if (wanted.isEmpty()) {
            return null;
        }
        String[] keys = wanted.keySet().toArray(String[]::new);
        String[] values = wanted.values().toArray(String[]::new);
        return host -> {
            Map<String, String> labels = host.node().labels();
            for (int i = 0; i < keys.length; i++) {
                if (!values[i].equals(labels.get(keys[i]))) {
                    return false;
                }
            }
            return true;
        };
    }
}
