package io.zunvx.api.container;

import io.zunvx.api.http.Schema;
import io.zunvx.api.http.Py;
import io.zunvx.api.http.QueryParams;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The query of {@code POST .../kill}: {@code signal}, spelled as Zun accepts it ({@code SIGKILL}, {@code KILL},
 * {@code sigkill}, {@code kill}, a number, or {@code None} for the runtime's default); no other parameter is allowed.
 *
 * @param signal {@code SIG<NAME>} for a named signal, the decimal number for a numbered one, or {@code null} for the
 *               runtime's default
 */
public record KillQuery(String signal) {
    /** Linux signal names, by number, as Python's {@code signal.Signals} lists them (aliases left out). */
    static final Map<String, Integer> SIGNALS;
    /** Every spelling Zun's schema lists, in its order, for the error text. */
    static final List<String> SPELLINGS;

    private static final List<String> ALLOWED = List.of("signal");
    private static final Pattern NUMBER = Pattern.compile("[1-9][0-9]?");

    static {
        Map<String, Integer> s = new LinkedHashMap<>();
        String[] names = {"HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
                "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",
                "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};
        for (int i = 0; i < names.length; i++) {
            s.put("SIG" + names[i], i + 1);
        }
        s.put("SIGRTMIN", 34);
        s.put("SIGRTMAX", 64);
        SIGNALS = Collections.unmodifiableMap(s);
        List<String> spellings = new ArrayList<>();
        spellings.add("None");
        s.forEach((name, number) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            spellings.add(name);
            spellings.add(name.substring(3));
            spellings.add(lower);
            spellings.add(lower.substring(3));
            spellings.add(Integer.toString(number));
        });
        SPELLINGS = List.copyOf(spellings);
    }

    /** Parses and validates; failures are {@code 400 schema-validation-error} with Zun's texts. */
    public static KillQuery parse(MultiMap query) {
        String signal = null;
        if (query.contains("signal")) {
            Object v = QueryParams.value(query, "signal");
            Schema.type(Schema.QUERY, "signal", v, "string", "null");
            signal = canonical((String) v);
            if (signal == null && !"None".equals(v)) {
                throw Schema.QUERY.fail("signal", v, Py.repr(v) + " is not one of " + Py.reprList(SPELLINGS));
            }
        }
        QueryParams.rejectAdditional(query, ALLOWED);
        return new KillQuery(signal);
    }

    /** {@code SIGKILL} for any accepted spelling of a named signal, the number for 1-64, else {@code null}. */
    static String canonical(String v) {
        if (NUMBER.matcher(v).matches() && Integer.parseInt(v) <= 64) {
            return v;
        }
        String upper = v.toUpperCase(Locale.ROOT);
        boolean sameCase = v.equals(upper) || v.equals(v.toLowerCase(Locale.ROOT));
        if (!sameCase) {
            return null;
        }
        String name = upper.startsWith("SIG") && SIGNALS.containsKey(upper) ? upper : "SIG" + upper;
        return SIGNALS.containsKey(name) ? name : null;
    }
}
