package io.zunvx.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShlexTest {

    /** Expected words are separated by '|' and wrapped in angle brackets so that blanks and empties show. */
    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
            "ls -l                          # <ls>|<-l>",
            "'  ls   -l  '                  # <ls>|<-l>",
            "'\"nginx\" \"-g\" \"daemon off;\"' # <nginx>|<-g>|<daemon off;>",
            "'sh -c ''echo hi'''            # <sh>|<-c>|<echo hi>",
            "'a\"b c\"d'                    # <ab cd>",
            "'a\\ b'                        # <a b>",
            "'\"a\\\"b\"'                   # <a\"b>",
            "'\"a\\\\b\"'                   # <a\\b>",
            "'\"a\\nb\"'                    # <a\\nb>",
            "'''a\\b'''                     # <a\\b>",
            "'x \"\" y'                     # <x>||<y>",
            "'echo $HOME; ls'               # <echo>|<$HOME;>|<ls>",
            "'a#b #c'                       # '<a#b>|<#c>'"})
    void splitsLikeAPosixShell(String input, String expected) {
        assertEquals(words(expected), Shlex.split(input));
    }

    @Test
    void emptyInputHasNoWords() {
        assertEquals(List.of(), Shlex.split(""));
        assertEquals(List.of(), Shlex.split(" \t\n"));
        assertEquals(List.of(""), Shlex.split("''"));
    }

    @Test
    void unbalancedInput() {
        assertEquals("No closing quotation",
                assertThrows(IllegalArgumentException.class, () -> Shlex.split("echo 'hi")).getMessage());
        assertEquals("No closing quotation",
                assertThrows(IllegalArgumentException.class, () -> Shlex.split("echo \"hi")).getMessage());
        assertEquals("No escaped character",
                assertThrows(IllegalArgumentException.class, () -> Shlex.split("echo \\")).getMessage());
        assertEquals("No escaped character",
                assertThrows(IllegalArgumentException.class, () -> Shlex.split("echo \"\\")).getMessage());
    }

    private static List<String> words(String expected) {
        return Arrays.stream(expected.split("\\|", -1))
                .map(w -> w.isEmpty() ? "" : w.substring(1, w.length() - 1))
                .toList();
    }
}
