package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rules read from the sources of every module's main code: a type is named by its simple name with an import, never
 * by its fully qualified name in code (comments, strings and the import lines themselves do not count).
 */
@Timeout(60)
class SourceRulesTest {
    /** A package path (lowercase segments) followed by a type name. */
    private static final Pattern QUALIFIED = Pattern.compile(
            "\\b(?:java|javax|jdk|io|org|com|net|sun)\\.(?:[a-z_][a-z0-9_]*\\.)+[A-Z]\\w*");
    private static final Pattern TEXT_BLOCK = Pattern.compile("\"\"\"[\\s\\S]*?\"\"\"");
    private static final Pattern BLOCK_COMMENT = Pattern.compile("/\\*[\\s\\S]*?\\*/");
    private static final Pattern LINE_COMMENT = Pattern.compile("//[^\\n]*");
    private static final Pattern STRING = Pattern.compile("\"(?:\\\\.|[^\"\\\\\\n])*\"");
    private static final Pattern CHAR = Pattern.compile("'(?:\\\\.|[^'\\\\\\n])*'");

    private static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("launcher").resolve("pom.xml"))) {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "the repository root above " + Path.of("").toAbsolutePath());
        return dir;
    }

    /** {@code source} with comments and string and character literals blanked, lines kept where they were. */
    static String code(String source) {
        String s = source;
        for (Pattern p : List.of(TEXT_BLOCK, BLOCK_COMMENT, LINE_COMMENT, STRING, CHAR)) {
            s = p.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group().replaceAll("[^\\n]", " ")));
        }
        return s;
    }

    /** The qualified names used in code in {@code source}, as {@code line: name}. */
    static List<String> qualifiedNames(String source) {
        List<String> found = new ArrayList<>();
        String[] lines = code(source).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("import ") || line.startsWith("package ")) {
                continue;
            }
            Matcher m = QUALIFIED.matcher(lines[i]);
            while (m.find()) {
                found.add((i + 1) + ": " + m.group());
            }
        }
        return found;
    }

    @Test
    void theCheckSeesQualifiedNamesInCodeOnly() {
        String source = """
                package a.b;
                import java.util.List;
                /** See {@link java.util.Map}. */
                class X {
                    String s = "java.util.Set";
                    java.util.Optional<String> o; // java.util.Deque
                }
                """;
        assertEquals(List.of("6: java.util.Optional"), qualifiedNames(source));
    }

    @Test
    void mainCodeNamesTypesByImportNotByQualifiedName() throws IOException {
        Path root = root();
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root, 12)) {
            files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> root.relativize(f).toString().contains("/src/main/java/"))
                    .forEach(f -> {
                        String rel = root.relativize(f).toString();
                        try {
                            qualifiedNames(Files.readString(f)).forEach(v -> violations.add(rel + ":" + v));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }
        assertEquals(List.of(), violations, "use an import instead");
    }
}
