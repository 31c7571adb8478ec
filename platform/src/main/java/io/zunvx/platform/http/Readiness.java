package io.zunvx.platform.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Named readiness checks. A process is ready when every registered check answers {@code true}; {@code /readyz} lists
 * each one, so an operator sees what is missing.
 */
public final class Readiness {
    private final Map<String, Supplier<Future<Boolean>>> checks = new ConcurrentHashMap<>();

    public void register(String name, Supplier<Future<Boolean>> check) {
        checks.put(name, check);
    }

    /** A check that is false until {@link #set} says otherwise. */
    public Flag flag(String name) {
        Flag f = new Flag();
        register(name, () -> Future.succeededFuture(f.up));
        return f;
    }

    public Future<JsonObject> evaluate() {
        List<String> names = new ArrayList<>(checks.keySet());
        List<Future<Boolean>> results = new ArrayList<>();
        for (String n : names) {
            Future<Boolean> f;
            try {
                f = checks.get(n).get().recover(e -> Future.succeededFuture(false));
            } catch (RuntimeException e) {
                f = Future.succeededFuture(false);
            }
            results.add(f);
        }
        return Future.join(results).transform(ar -> {
            JsonObject detail = new JsonObject();
            boolean all = true;
            for (int i = 0; i < names.size(); i++) {
                Future<Boolean> r = results.get(i);
                boolean ok = r.succeeded() && Boolean.TRUE.equals(r.result());
                detail.put(names.get(i), ok ? "ok" : "not ready");
                all &= ok;
            }
            return Future.succeededFuture(new JsonObject().put("ready", all).put("checks", detail));
        });
    }

    /** A settable readiness flag. */
    public static final class Flag {
        private volatile boolean up;

        public void set(boolean value) {
            up = value;
        }
    }
}
