package io.zunvx.api.container;

import static io.zunvx.api.http.Requests.invalidValue;
import static io.zunvx.api.http.Requests.query;
import static io.zunvx.api.http.Requests.schemaError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.api.http.Requests;
import io.zunvx.platform.error.ZunException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ActionQueriesTest {
    private static final String SINCE_PATTERN =
            "'(^[0-9]*$)|([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{1,3})'";

    @Nested
    class StopAndReboot {
        @Test
        void timeoutAsTheClientSendsIt() {
            assertEquals(new TimeoutQuery(10), TimeoutQuery.parse(query("timeout=10")));
            assertEquals(new TimeoutQuery(0), TimeoutQuery.parse(query("timeout=0")));
            assertEquals(new TimeoutQuery(null), TimeoutQuery.parse(query("")));
            assertEquals(new TimeoutQuery(null), TimeoutQuery.parse(query("timeout=")));
        }

        @ParameterizedTest
        @ValueSource(strings = {"abc", "-1", "1.5", "10s", " 10"})
        void timeoutMustBeDigits(String value) {
            schemaError(() -> TimeoutQuery.parse(query("timeout=" + value.replace(" ", "%20"))),
                    "Invalid input for query parameters 'timeout'. Value: '" + value + "'. '" + value
                            + "' does not match '^[0-9]*$'");
        }

        @Test
        void timeoutUpToAnHour() {
            assertEquals(new TimeoutQuery(3600), TimeoutQuery.parse(query("timeout=3600")));
        }

        @ParameterizedTest
        @ValueSource(strings = {"3601", "99999", "1180591620717411303424"})
        void longerTimeoutsAreRefused(String value) {
            schemaError(() -> TimeoutQuery.parse(query("timeout=" + value)),
                    "Invalid input for query parameters 'timeout'. Value: '" + value + "'. " + value
                            + " is greater than the maximum of 3600");
        }

        @Test
        void repeatedTimeout() {
            schemaError(() -> TimeoutQuery.parse(query("timeout=1&timeout=2")),
                    "Invalid input for query parameters 'timeout'. Value: '['1', '2']'. ['1', '2'] is not of type"
                            + " 'integer', 'string'");
        }

        @Test
        void nothingElseIsAllowed() {
            schemaError(() -> TimeoutQuery.parse(query("timeout=10&force=1")),
                    "Additional properties are not allowed ('force' was unexpected)");
        }

        @Test
        void propertiesAreCheckedBeforeExtras() {
            schemaError(() -> TimeoutQuery.parse(query("force=1&timeout=x")),
                    "Invalid input for query parameters 'timeout'. Value: 'x'. 'x' does not match '^[0-9]*$'");
        }
    }

    @Nested
    class Kill {
        @ParameterizedTest
        @CsvSource({"SIGKILL,SIGKILL", "KILL,SIGKILL", "sigkill,SIGKILL", "kill,SIGKILL", "9,9", "SIGTERM,SIGTERM",
                "term,SIGTERM", "SIGHUP,SIGHUP", "usr1,SIGUSR1", "SIGRTMIN,SIGRTMIN", "rtmax,SIGRTMAX",
                "SIGSTKFLT,SIGSTKFLT", "1,1", "15,15", "64,64", "40,40"})
        void acceptedSpellings(String sent, String signal) {
            assertEquals(new KillQuery(signal), KillQuery.parse(query("signal=" + sent)));
        }

        @Test
        void noneAndAbsentMeanTheDefault() {
            assertNull(KillQuery.parse(query("signal=None")).signal());
            assertNull(KillQuery.parse(query("")).signal());
        }

        @ParameterizedTest
        @ValueSource(strings = {"SIGFOO", "Kill", "SigKill", "0", "65", "09", "-9", "", "none", "SIG"})
        void rejectedSpellings(String sent) {
            ZunException e = assertThrows(ZunException.class, () -> KillQuery.parse(query("signal=" + sent)));
            assertEquals(400, e.status());
            assertEquals("schema-validation-error", e.code());
            assertTrue(e.getMessage().startsWith("Invalid input for query parameters 'signal'. Value: '" + sent
                    + "'. '" + sent + "' is not one of ['None', 'SIGHUP', 'HUP', 'sighup', 'hup', '1', 'SIGINT', "),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("'SIGRTMAX', 'RTMAX', 'sigrtmax', 'rtmax', '64']"), e.getMessage());
        }

        @Test
        void nothingElseIsAllowed() {
            schemaError(() -> KillQuery.parse(query("signal=9&timeout=1")),
                    "Additional properties are not allowed ('timeout' was unexpected)");
        }
    }

    @Nested
    class Logs {
        @Test
        void defaults() {
            assertEquals(LogsQuery.defaults(), LogsQuery.parse(query("")));
            assertEquals(new LogsQuery(true, true, false, null, null), LogsQuery.defaults());
        }

        @Test
        void whatTheClientSends() {
            assertEquals(new LogsQuery(true, true, false, null, null),
                    LogsQuery.parse(query("stdout=True&stderr=True&timestamps=False&tail=all")));
            assertEquals(new LogsQuery(false, true, true, 20, 1600000000L),
                    LogsQuery.parse(query("stdout=False&stderr=yes&timestamps=1&tail=20&since=1600000000")));
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "1600000000              | 1600000000",
                "0                       | 0",
                "2020-09-13 12:26:40,000 | 1600000000",
                "2020-09-13 12:26:40,5   | 1600000000",
                "2020-09-13 12:26:41,999 | 1600000001",
                "1970-01-01 00:00:00,0   | 0"})
        void sinceFormats(String since, long epochSeconds) {
            assertEquals(epochSeconds, LogsQuery.parse(query("since=" + enc(since))).since());
        }

        @ParameterizedTest
        @ValueSource(strings = {"yesterday", "None", "2020-09-13T12:26:40", "2020-09-13 12:26:40", "-5", "1.5"})
        void sinceOutsideThePattern(String since) {
            schemaError(() -> LogsQuery.parse(query("since=" + enc(since))),
                    "Invalid input for query parameters 'since'. Value: '" + since + "'. '" + since
                            + "' does not match " + SINCE_PATTERN);
        }

        @ParameterizedTest
        @ValueSource(strings = {"2020-13-45 10:00:00,123", "x2020-09-13 12:26:40,000", ""})
        void sinceMatchingThePatternButNoDate(String since) {
            invalidValue(() -> LogsQuery.parse(query("since=" + enc(since))),
                    "time data '" + since + "' does not match format '%Y-%m-%d %H:%M:%S,%f'");
        }

        @ParameterizedTest
        @CsvSource({"all,", "ALL,", "10,10", "0,0", "' 5',5"})
        void tail(String tail, Integer expected) {
            assertEquals(expected, LogsQuery.parse(query("tail=" + enc(tail))).tail());
        }

        @Test
        void tailNegativeOrNotANumberIsRefused() {
            schemaError(() -> LogsQuery.parse(query("tail=-1")),
                    "Invalid input for query parameters 'tail'. Value: '-1'. -1 is less than the minimum of 0");
            schemaError(() -> LogsQuery.parse(query("tail=abc")),
                    "Invalid input for query parameters 'tail'. Value: 'abc'. 'abc' is not 'all' or an integer");
            schemaError(() -> LogsQuery.parse(query("tail=99999999999999999999999")),
                    "Invalid input for query parameters 'tail'. Value: '99999999999999999999999'."
                            + " 99999999999999999999999 is greater than the maximum of 1000000");
        }

        @Test
        void tailAndSinceHaveAMaximum() {
            assertEquals(1_000_000, LogsQuery.parse(query("tail=1000000")).tail());
            assertEquals(253402300799L, LogsQuery.parse(query("since=253402300799")).since());
            schemaError(() -> LogsQuery.parse(query("tail=1000001")),
                    "Invalid input for query parameters 'tail'. Value: '1000001'. 1000001 is greater than the maximum"
                            + " of 1000000");
            schemaError(() -> LogsQuery.parse(query("since=253402300800")),
                    "Invalid input for query parameters 'since'. Value: '253402300800'. 253402300800 is greater than"
                            + " the maximum of 253402300799");
            schemaError(() -> LogsQuery.parse(query("since=99999999999999999999999")),
                    "Invalid input for query parameters 'since'. Value: '99999999999999999999999'."
                            + " 99999999999999999999999 is greater than the maximum of 253402300799");
        }

        @Test
        void badBoolean() {
            schemaError(() -> LogsQuery.parse(query("stdout=maybe")),
                    "Invalid input for query parameters 'stdout'. Value: 'maybe'. 'maybe' is not one of "
                            + Requests.EXTENDED);
        }

        @Test
        void nothingElseIsAllowed() {
            schemaError(() -> LogsQuery.parse(query("tail=all&follow=1")),
                    "Additional properties are not allowed ('follow' was unexpected)");
        }
    }

    @Nested
    class Delete {
        @Test
        void whatTheClientSends() {
            assertEquals(new DeleteQuery(false, false, false),
                    DeleteQuery.parse(query("force=False&stop=False&all_projects=False")));
            assertEquals(new DeleteQuery(true, true, true),
                    DeleteQuery.parse(query("force=True&stop=yes&all_projects=1")));
            assertEquals(new DeleteQuery(false, false, false), DeleteQuery.parse(query("")));
        }

        @Test
        void badValueAndExtras() {
            schemaError(() -> DeleteQuery.parse(query("force=maybe")),
                    "Invalid input for query parameters 'force'. Value: 'maybe'. 'maybe' is not one of "
                            + Requests.EXTENDED);
            schemaError(() -> DeleteQuery.parse(query("force=true&now=1")),
                    "Additional properties are not allowed ('now' was unexpected)");
        }
    }

    @Nested
    class Create {
        @Test
        void run() {
            assertEquals(new RunQuery(true), RunQuery.parse(query("run=true")));
            assertEquals(new RunQuery(false), RunQuery.parse(query("run=False")));
            assertEquals(new RunQuery(false), RunQuery.parse(query("")));
        }

        @Test
        void badRun() {
            schemaError(() -> RunQuery.parse(query("run=xyz")),
                    "Invalid input for query parameters 'run'. Value: 'xyz'. 'xyz' is not one of "
                            + Requests.EXTENDED);
            schemaError(() -> RunQuery.parse(query("run=true&interactive=true")),
                    "Additional properties are not allowed ('interactive' was unexpected)");
        }
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
