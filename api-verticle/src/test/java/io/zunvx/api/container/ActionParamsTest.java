package io.zunvx.api.container;

import static io.zunvx.api.http.Requests.query;
import static io.zunvx.api.http.Requests.schemaError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import io.zunvx.api.http.ActionParams;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Action parameters from the query string and the JSON body alike, as Zun's controllers take them. */
class ActionParamsTest {

    @Test
    void executeTakesTheCommandFromTheBody() {
        ExecuteQuery q = ExecuteQuery.parse(ActionParams.withBody(query(""),
                new JsonObject().put("command", "echo hello")));
        assertEquals(List.of("echo", "hello"), q.argv());
        assertEquals(true, q.run());
    }

    @Test
    void executeMixesQueryAndBody() {
        ExecuteQuery q = ExecuteQuery.parse(ActionParams.withBody(query("run=false"),
                new JsonObject().put("command", "ls -l").put("interactive", true)));
        assertEquals(List.of("ls", "-l"), q.argv());
        assertEquals(false, q.run());
        assertEquals(true, q.interactive());
    }

    @Test
    void aParameterInBothIsRefusedAsARepeatedOne() {
        schemaError(() -> ExecuteQuery.parse(ActionParams.withBody(query("command=ls"),
                        new JsonObject().put("command", "pwd"))),
                "Invalid input for query parameters 'command'. Value: '['ls', 'pwd']'. ['ls', 'pwd'] is not of type "
                        + "'string'");
    }

    @Test
    void unknownBodyMembersAreRefusedAsUnknownQueryParameters() {
        schemaError(() -> ExecuteQuery.parse(ActionParams.withBody(query(""),
                        new JsonObject().put("command", "ls").put("cmd", "x"))),
                "Additional properties are not allowed ('cmd' was unexpected)");
    }

    @Test
    void killStopAndResizeFromTheBody() {
        assertEquals("SIGTERM", KillQuery.parse(ActionParams.withBody(query(""),
                new JsonObject().put("signal", "SIGTERM"))).signal());
        assertEquals(5, TimeoutQuery.parse(ActionParams.withBody(query(""),
                new JsonObject().put("timeout", 5))).timeout());
        TtyResizeQuery r = TtyResizeQuery.parse(ActionParams.withBody(query(""),
                new JsonObject().put("h", 40).put("w", 120)));
        assertEquals(40, r.height());
        assertEquals(120, r.width());
    }

    @Test
    void aBodyBooleanIsSeenAsPythonPrintsIt() {
        assertEquals(true, DeleteQuery.parse(ActionParams.withBody(query(""),
                new JsonObject().put("stop", true))).stop());
    }

    @Test
    void noBodyLeavesTheQuery() {
        assertEquals("SIGKILL", KillQuery.parse(ActionParams.withBody(query("signal=KILL"), null)).signal());
    }
}
