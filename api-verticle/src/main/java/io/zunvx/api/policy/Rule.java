package io.zunvx.api.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A parsed oslo.policy check expression: {@code @}, {@code !}, {@code role:X}, {@code rule:Y},
 * {@code is_admin:True}, {@code project_id:%(project_id)s}, {@code user_id:%(user_id)s}, combined with {@code or},
 * {@code and}, {@code not} and parentheses.
 */
public sealed interface Rule {

    boolean check(Target t, Map<String, Rule> rules, int depth);

    /** What a rule is checked against: the caller's credentials and the object's owner. */
    record Target(List<String> roles, String userId, String projectId, String targetProjectId,
                  String targetUserId) {
        boolean isAdmin() {
            return roles.contains("admin");
        }
    }

    record Always(boolean value) implements Rule {
        @Override
        public boolean check(Target t, Map<String, Rule> rules, int depth) {
            return value;
        }
    }

    record Role(String name) implements Rule {
        @Override
        public boolean check(Target t, Map<String, Rule> rules, int depth) {
            return t.roles().stream().anyMatch(r -> r.equalsIgnoreCase(name));
        }
    }

    record Ref(String name) implements Rule {
        @Override
        public boolean check(Target t, Map<String, Rule> rules, int depth) {
            Rule r = rules.get(name);
            if (r == null || depth > 32) {
                return false;
            }
            return r.check(t, rules, depth + 1);
        }
    }

    /** {@code field:value}: the caller's field compared with a literal or a {@code %(target)s} field. */
    record Match(String field, String value) implements Rule {
        @Override
        public boolean check(Target t, Map<String, Rule> rules, int depth) {
            String mine = switch (field) {
                case "is_admin" -> String.valueOf(t.isAdmin());
                case "project_id" -> t.projectId();
                case "user_id" -> t.userId();
                default -> null;
            };
            String theirs = switch (value) {
                case "%(project_id)s" -> t.targetProjectId();
                case "%(user_id)s" -> t.targetUserId();
                default -> value;
            };
            return mine != null && mine.equalsIgnoreCase(theirs);
        }
    }

    record Not(Rule rule) implements Rule {
        @Override
        public boolean check(Target t, Map<String, Rule> rules, int depth) {
            return !rule.check(t, rules, depth);
        }
    }

    record All(List<Rule> rules) implements Rule {
        @Override
        public boolean check(Target t, Map<String, Rule> all, int depth) {
            return rules.stream().allMatch(r -> r.check(t, all, depth));
        }
    }

    record Any(List<Rule> rules) implements Rule {
        @Override
        public boolean check(Target t, Map<String, Rule> all, int depth) {
            return rules.stream().anyMatch(r -> r.check(t, all, depth));
        }
    }

    /** Parses an expression; throws {@link IllegalArgumentException} with the position of a syntax error. */
    static Rule parse(String text) {
        Parser p = new Parser(text);
        Rule r = p.or();
        if (p.peek() != null) {
            throw new IllegalArgumentException("unexpected '" + p.peek() + "' in policy rule: " + text);
        }
        return r;
    }

    /** Recursive descent over whitespace- and parenthesis-separated tokens. */
    final class Parser {
        private final List<String> tokens = new ArrayList<>();
        private int i;
        private final String text;

        Parser(String text) {
            this.text = text;
            StringBuilder cur = new StringBuilder();
            for (char c : text.toCharArray()) {
                // "%(project_id)s" is part of a check, not a group.
                boolean inSubstitution = cur.toString().contains("%(") && cur.indexOf(")", cur.indexOf("%(")) < 0;
                if (c == '(' && cur.length() > 0 && cur.charAt(cur.length() - 1) == '%' || c == ')' && inSubstitution) {
                    cur.append(c);
                } else if (c == '(' || c == ')' || Character.isWhitespace(c)) {
                    if (!cur.isEmpty()) {
                        tokens.add(cur.toString());
                        cur.setLength(0);
                    }
                    if (c != ' ' && !Character.isWhitespace(c)) {
                        tokens.add(String.valueOf(c));
                    }
                } else {
                    cur.append(c);
                }
            }
            if (!cur.isEmpty()) {
                tokens.add(cur.toString());
            }
        }

        String peek() {
            return i < tokens.size() ? tokens.get(i) : null;
        }

        Rule or() {
            if (peek() == null) {
                return new Always(true); // an empty rule allows everyone, as in oslo.policy
            }
            List<Rule> parts = new ArrayList<>(List.of(and()));
            while ("or".equals(peek())) {
                i++;
                parts.add(and());
            }
            return parts.size() == 1 ? parts.getFirst() : new Any(parts);
        }

        Rule and() {
            List<Rule> parts = new ArrayList<>(List.of(not()));
            while ("and".equals(peek())) {
                i++;
                parts.add(not());
            }
            return parts.size() == 1 ? parts.getFirst() : new All(parts);
        }

        Rule not() {
            if ("not".equals(peek())) {
                i++;
                return new Not(not());
            }
            return atom();
        }

        Rule atom() {
            String t = peek();
            if (t == null) {
                throw new IllegalArgumentException("policy rule ends too early: " + text);
            }
            i++;
            if (t.equals("(")) {
                Rule r = or();
                if (!")".equals(peek())) {
                    throw new IllegalArgumentException("missing ')' in policy rule: " + text);
                }
                i++;
                return r;
            }
            if (t.equals("@")) {
                return new Always(true);
            }
            if (t.equals("!")) {
                return new Always(false);
            }
            int colon = t.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("not a check: '" + t + "' in policy rule: " + text);
            }
            String kind = t.substring(0, colon);
            String value = t.substring(colon + 1);
            return switch (kind) {
                case "role" -> new Role(value);
                case "rule" -> new Ref(value);
                default -> new Match(kind, value);
            };
        }
    }
}
