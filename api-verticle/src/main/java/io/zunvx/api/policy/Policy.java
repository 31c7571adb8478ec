package io.zunvx.api.policy;

import io.zunvx.api.container.Defaults;

import io.vertx.core.json.JsonObject;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.config.ConfigException;
import io.zunvx.platform.error.ZunException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Zun's policy (reference §7): its default rules as code, overridable rule by rule from a policy file (JSON, or the
 * YAML of oslo.policy's sample files: one {@code "name": "expression"} per line). A denied check is a 403
 * {@code container.policy-not-authorized}.
 */
public final class Policy {
    private static final Pattern YAML_LINE = Pattern.compile("^\\s*\"([^\"]+)\"\\s*:\\s*\"(.*)\"\\s*$");

    private final Map<String, Rule> rules;

    private Policy(Map<String, Rule> rules) {
        this.rules = Map.copyOf(rules);
    }

    /** Zun's defaults. */
    public static Policy defaults() {
        return withOverrides(Map.of());
    }

    /** Zun's defaults with some rules replaced. */
    public static Policy withOverrides(Map<String, String> overrides) {
        Map<String, Rule> r = new HashMap<>();
        ZunDefaults.RULES.forEach((k, v) -> r.put(k, Rule.parse(v)));
        overrides.forEach((k, v) -> {
            try {
                r.put(k, Rule.parse(v));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("policy rule " + k + ": " + e.getMessage());
            }
        });
        return new Policy(r);
    }

    /** Defaults overridden by the rules in {@code file}; {@code null} means defaults only. */
    public static Policy load(Path file) {
        if (file == null) {
            return defaults();
        }
        try {
            String text = Files.readString(file);
            Map<String, String> overrides = new LinkedHashMap<>();
            if (text.stripLeading().startsWith("{")) {
                new JsonObject(text).forEach(e -> overrides.put(e.getKey(), String.valueOf(e.getValue())));
            } else {
                int n = 0;
                for (String line : text.split("\n")) {
                    n++;
                    String trimmed = line.strip();
                    if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                        continue;
                    }
                    Matcher m = YAML_LINE.matcher(line);
                    if (!m.matches()) {
                        throw new ConfigException("policy file " + file + " line " + n
                                + ": expected \"rule\": \"expression\"");
                    }
                    overrides.put(m.group(1), m.group(2));
                }
            }
            return withOverrides(overrides);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read policy file " + file, e);
        }
    }

    /** Whether {@code who} may do {@code rule} to an object of {@code targetProject} (caller's when null). */
    public boolean allows(String rule, Identity who, String targetProject) {
        Rule r = rules.get(rule);
        if (r == null) {
            // Zun skips fine-grained checks that have no rule; an unknown rule otherwise denies.
            return rule.contains(":get_one:") || rule.contains(":get:");
        }
        Rule.Target t = new Rule.Target(who.roles(), who.userId(), who.projectId(),
                targetProject == null ? who.projectId() : targetProject, who.userId());
        return r.check(t, rules, 0);
    }

    /** Throws Zun's 403 unless allowed. */
    public void enforce(String rule, Identity who, String targetProject) {
        if (!allows(rule, who, targetProject)) {
            throw ZunException.forbidden(rule);
        }
    }

    /** Throws Zun's 403 unless allowed for the caller's own project. */
    public void enforce(String rule, Identity who) {
        enforce(rule, who, null);
    }
}
