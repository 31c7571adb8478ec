package io.zunvx.api.container;

import io.zunvx.api.http.Schema;
import io.zunvx.api.http.Py;
import io.zunvx.api.http.Shlex;
import io.zunvx.api.http.QueryParams;

import io.vertx.core.MultiMap;
import io.zunvx.platform.error.ZunException;
import java.util.List;
import java.util.Objects;

/**
 * The query of {@code POST .../execute}: {@code command} (a string of at least one character, split the way a POSIX
 * shell splits words, e.g. {@code "ls" "-l"}), {@code run} and {@code interactive} (narrow booleans, default true and
 * false); no other parameter is allowed.
 *
 * @param command     the command as sent, for messages
 * @param argv        the command split into words
 * @param run         run the command to its end and answer its output, instead of only creating the exec instance
 * @param interactive keep standard input open and allocate a terminal
 */
public record ExecuteQuery(String command, List<String> argv, boolean run, boolean interactive) {
    private static final List<String> ALLOWED = List.of("run", "interactive", "command");

    public ExecuteQuery {
        Objects.requireNonNull(command, "command");
        argv = List.copyOf(argv);
    }

    /**
     * Parses and validates. Schema failures are {@code 400 schema-validation-error} with Zun's texts. A missing
     * {@code command} (a 500 in Zun) is {@code 400 schema-validation-error}; unbalanced quotes (also a 500 in Zun) and
     * a command of blanks only are {@code 400 invalid-value}.
     */
    public static ExecuteQuery parse(MultiMap query) {
        boolean run = QueryParams.narrowBool(query, "run", true);
        boolean interactive = QueryParams.narrowBool(query, "interactive", false);
        Object command = QueryParams.value(query, "command");
        if (command != null) {
            Schema.type(Schema.QUERY, "command", command, "string");
            Schema.minLength(Schema.QUERY, "command", command, 1);
        }
        QueryParams.rejectAdditional(query, ALLOWED);
        if (command == null) {
            throw Schema.root(Schema.requiredMessage("command"));
        }
        List<String> argv;
        try {
            argv = Shlex.split((String) command);
        } catch (IllegalArgumentException e) {
            throw ZunException.invalid("Invalid command " + Py.reprString((String) command) + ": " + e.getMessage());
        }
        if (argv.isEmpty()) {
            throw ZunException.invalid("No exec command specified");
        }
        return new ExecuteQuery((String) command, argv, run, interactive);
    }
}
