package io.zunvx.api.http;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code shlex.split(s)} (POSIX mode, no comments): how Zun turns a command string into an argument list,
 * e.g. {@code "nginx" "-g" "daemon off;"} into {@code [nginx, -g, daemon off;]}.
 */
public final class Shlex {
    private static final String WHITESPACE = " \t\r\n";

    private Shlex() {
    }

    /**
     * Splits like a POSIX shell: blanks separate words; single quotes keep everything literally; double quotes keep
     * everything but let a backslash escape {@code "} or {@code \}; outside quotes a backslash escapes any character;
     * adjacent quoted and unquoted parts join into one word; {@code ''} is an empty word.
     *
     * @throws IllegalArgumentException with Python's message ({@code No closing quotation} or
     *                                  {@code No escaped character}) for unbalanced input
     */
    public static List<String> split(String s) {
        List<String> words = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        char quote = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (quote == '"' && c == '\\') {
                    if (i >= s.length()) {
                        throw new IllegalArgumentException("No escaped character");
                    }
                    char next = s.charAt(i++);
                    if (next != '"' && next != '\\') {
                        token.append('\\');
                    }
                    token.append(next);
                } else {
                    token.append(c);
                }
            } else if (WHITESPACE.indexOf(c) >= 0) {
                if (inWord) {
                    if (token.length() > 0 || quoted) {
                        words.add(token.toString());
                    }
                    token.setLength(0);
                    quoted = false;
                    inWord = false;
                }
            } else if (c == '\\') {
                if (i >= s.length()) {
                    throw new IllegalArgumentException("No escaped character");
                }
                token.append(s.charAt(i++));
                inWord = true;
            } else if (c == '\'' || c == '"') {
                quote = c;
                quoted = true;
                inWord = true;
            } else {
                token.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("No closing quotation");
        }
        if (inWord && (token.length() > 0 || quoted)) {
            words.add(token.toString());
        }
        return words;
    }
}
