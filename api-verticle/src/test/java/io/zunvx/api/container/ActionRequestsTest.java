package io.zunvx.api.container;

import static io.zunvx.api.http.Requests.fails;
import static io.zunvx.api.http.Requests.invalidValue;
import static io.zunvx.api.http.Requests.query;
import static io.zunvx.api.http.Requests.schemaError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zunvx.platform.error.ZunException;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Validation of the action queries, with Zun's texts (reference §3.2), where Zun's schemas define them. */
class ActionRequestsTest {
    private static final String HEX64 = "a".repeat(64);

    @Nested
    class Execute {
        @Test
        void whatTheClientSends() {
            assertEquals(new ExecuteQuery("\"ls\" \"-l\"", List.of("ls", "-l"), true, false),
                    ExecuteQuery.parse(query("command=%22ls%22+%22-l%22")));
            assertEquals(new ExecuteQuery("\"sh\"", List.of("sh"), false, true),
                    ExecuteQuery.parse(query("command=%22sh%22&interactive=True&run=False")));
            assertEquals(List.of("sh", "-c", "echo a b"),
                    ExecuteQuery.parse(query("command=" + "sh+-c+%27echo+a+b%27")).argv());
        }

        @Test
        void commandIsRequiredAndNonEmpty() {
            schemaError(() -> ExecuteQuery.parse(query("run=True")), "'command' is a required property");
            schemaError(() -> ExecuteQuery.parse(query("command=")),
                    "Invalid input for query parameters 'command'. Value: ''. '' is too short");
            invalidValue(() -> ExecuteQuery.parse(query("command=+++")), "No exec command specified");
            invalidValue(() -> ExecuteQuery.parse(query("command=%22ls")),
                    "Invalid command '\"ls': No closing quotation");
        }

        @Test
        void narrowBooleansAndNothingElse() {
            schemaError(() -> ExecuteQuery.parse(query("command=ls&run=1")),
                    "Invalid input for query parameters 'run'. Value: '1'. '1' is not one of [True, 'True', 'true',"
                            + " False, 'False', 'false']");
            schemaError(() -> ExecuteQuery.parse(query("command=ls&user=root")),
                    "Additional properties are not allowed ('user' was unexpected)");
        }
    }

    @Nested
    class Resizes {
        @Test
        void positiveIntegers() {
            assertEquals(new TtyResizeQuery(40, 120), TtyResizeQuery.parse(query("w=120&h=40")));
            assertEquals(new ExecResizeQuery(HEX64, 40, 120),
                    ExecResizeQuery.parse(query("exec_id=" + HEX64 + "&w=120&h=40")));
            schemaError(() -> TtyResizeQuery.parse(query("w=0&h=1")),
                    "Invalid input for query parameters 'w'. Value: '0'. 0 is less than the minimum of 1");
            schemaError(() -> TtyResizeQuery.parse(query("w=-1&h=1")),
                    "Invalid input for query parameters 'w'. Value: '-1'. '-1' does not match '^[0-9]*$'");
            schemaError(() -> TtyResizeQuery.parse(query("w=1")), "'h' is a required property");
            schemaError(() -> TtyResizeQuery.parse(query("w=1&h=1&x=1")),
                    "Additional properties are not allowed ('x' was unexpected)");
        }

        @Test
        void sizesAreBoundedByWhatATerminalHolds() {
            assertEquals(new TtyResizeQuery(65535, 65535), TtyResizeQuery.parse(query("w=65535&h=65535")));
            schemaError(() -> TtyResizeQuery.parse(query("w=65536&h=1")),
                    "Invalid input for query parameters 'w'. Value: '65536'. 65536 is greater than the maximum of"
                            + " 65535");
            schemaError(() -> ExecResizeQuery.parse(query("exec_id=" + HEX64 + "&w=1&h=1180591620717411303424")),
                    "Invalid input for query parameters 'h'. Value: '1180591620717411303424'. 1180591620717411303424"
                            + " is greater than the maximum of 65535");
        }

        @Test
        void execIdIs64LowercaseHexDigits() {
            schemaError(() -> ExecResizeQuery.parse(query("exec_id=" + "A".repeat(64) + "&w=1&h=1")),
                    "Invalid input for query parameters 'exec_id'. Value: '" + "A".repeat(64) + "'. '"
                            + "A".repeat(64) + "' does not match '^[a-f0-9]*$'");
            schemaError(() -> ExecResizeQuery.parse(query("exec_id=" + HEX64 + "a&w=1&h=1")),
                    "Invalid input for query parameters 'exec_id'. Value: '" + HEX64 + "a'. '" + HEX64
                            + "a' is too long");
            schemaError(() -> ExecResizeQuery.parse(query("w=1&h=1")), "'exec_id' is a required property");
        }
    }

    @Nested
    class TopCommitRenameRebuildArchive {
        @Test
        void topTakesNoneAsTheDefault() {
            assertNull(TopQuery.parse(query("ps_args=None")).psArgs());
            assertNull(TopQuery.parse(query("")).psArgs());
            assertEquals("aux", TopQuery.parse(query("ps_args=aux")).psArgs());
            schemaError(() -> TopQuery.parse(query("pid=1")),
                    "Additional properties are not allowed ('pid' was unexpected)");
        }

        @Test
        void commitNeedsARepositoryAndDefaultsTheTag() {
            assertEquals(new CommitQuery("repo", "tag"), CommitQuery.parse(query("repository=repo&tag=tag")));
            assertEquals(new CommitQuery("registry.local:5000/team/app", "latest"),
                    CommitQuery.parse(query("repository=registry.local:5000/team/app")));
            assertEquals("latest", CommitQuery.parse(query("repository=repo&tag=None")).tag());
            schemaError(() -> CommitQuery.parse(query("tag=t")), "'repository' is a required property");
            schemaError(() -> CommitQuery.parse(query("repository=r&force=1")),
                    "Additional properties are not allowed ('force' was unexpected)");
        }

        @ParameterizedTest
        @ValueSource(strings = {"Upper", "a b", "-lead", "trail-", "a//b", ""})
        void commitRefusesNamesDockerRefuses(String repository) {
            ZunException e = assertThrows(ZunException.class,
                    () -> CommitQuery.parse(query("repository=" + repository.replace(" ", "%20"))));
            assertEquals(400, e.status());
            assertEquals("invalid-value", e.code());
        }

        @Test
        void renameTakesAContainerName() {
            assertEquals(new RenameQuery("new-name"), RenameQuery.parse(query("name=new-name")));
            schemaError(() -> RenameQuery.parse(query("name=-x")),
                    "Invalid input for query parameters 'name'. Value: '-x'. '-x' does not match "
                            + "'^[a-zA-Z0-9][a-zA-Z0-9_.-]+$'");
            schemaError(() -> RenameQuery.parse(query("")), "'name' is a required property");
        }

        @Test
        void rebuildIgnoresExtrasAndChecksTheImageDriver() {
            assertEquals(new RebuildQuery(null, null), RebuildQuery.parse(query("anything=1")));
            assertEquals(new RebuildQuery("busybox", "docker"),
                    RebuildQuery.parse(query("image=busybox&image_driver=docker")));
            assertEquals(new RebuildQuery(null, null), RebuildQuery.parse(query("image=")));
            fails(() -> RebuildQuery.parse(query("image_driver=None")), 400, "validation-error",
                    "Invalid input for image_driver, it should be within the image drivers list");
        }

        @Test
        void archivesNeedAPath() {
            assertEquals(new ArchivePathQuery("/etc/hosts"), ArchivePathQuery.parse(query("path=%2Fetc%2Fhosts&x=1")));
            schemaError(() -> ArchivePathQuery.parse(query("")), "'path' is a required property");
        }
    }
}
