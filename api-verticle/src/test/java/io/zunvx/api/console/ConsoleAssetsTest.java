package io.zunvx.api.console;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The console's assets as the jar holds them: the npm packages copied in at build time are there, every module the
 * pages import is in the jar (nothing from another origin), and no page carries an inline script.
 */
class ConsoleAssetsTest {
    private static final Pattern IMPORT = Pattern.compile("^import [^;]*? from '([^']+)';", Pattern.MULTILINE);

    private static String read(String path) throws IOException {
        try (InputStream in = ConsoleAssetsTest.class.getClassLoader().getResourceAsStream("ui/" + path)) {
            assertNotNull(in, "ui/" + path + " is not in the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theVendoredPackagesAreInTheJar() throws IOException {
        assertTrue(read("vendor/xterm.js").contains("export{"), "xterm.js is an ES module");
        assertTrue(read("vendor/js-yaml.js").contains("export {"), "js-yaml.js is an ES module");
        read("vendor/xterm.css");
        read("vendor/xterm.LICENSE");
        read("vendor/js-yaml.LICENSE");
    }

    @Test
    void everyImportIsAModuleOfTheJar() throws IOException {
        for (String page : List.of("app.js", "api.js", "dom.js", "events.js", "layout.js", "resources.js",
                "terminal.js")) {
            Matcher m = IMPORT.matcher(read(page));
            while (m.find()) {
                String target = m.group(1);
                assertTrue(target.startsWith("./"), page + " imports " + target + " from outside the console");
                read(target.substring(2));
            }
        }
    }

    @Test
    void theIndexHasNoInlineScript() throws IOException {
        String index = read("index.html");
        assertFalse(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>").matcher(index).find(), "an inline script");
        assertFalse(index.contains(" on") && Pattern.compile("\\son[a-z]+=").matcher(index).find(),
                "an inline event handler");
        assertTrue(ConsoleRoutes.CSP.contains("script-src 'self';"), ConsoleRoutes.CSP);
    }
}
