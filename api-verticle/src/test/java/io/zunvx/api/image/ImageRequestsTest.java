package io.zunvx.api.image;

import io.zunvx.api.http.PageQuery;
import io.zunvx.api.registry.RegistryRequest;

import static io.zunvx.api.http.Requests.fails;
import static io.zunvx.api.http.Requests.invalidValue;
import static io.zunvx.api.http.Requests.query;
import static io.zunvx.api.http.Requests.schemaError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The request parsing of images, registries and searches: Docker's reference grammar and Zun's schemas. */
class ImageRequestsTest {

    @Nested
    class References {
        @ParameterizedTest
        @CsvSource(nullValues = "-", value = {
                "busybox, -, busybox, -, -",
                "busybox:1.36, -, busybox, 1.36, -",
                "library/busybox:latest, -, library/busybox, latest, -",
                "127.0.0.1:5000/team/app:2.1, 127.0.0.1:5000, team/app, 2.1, -",
                "localhost/app, localhost, app, -, -",
                "registry.example.com/a/b/c, registry.example.com, a/b/c, -, -",
                "registry.example.com:443/app, registry.example.com:443, app, -, -",
                "my-app__x.y, -, my-app__x.y, -, -",
                "Registry/app:v, Registry, app, v, -"})
        void validReferencesSplitAsDockerSplitsThem(String text, String domain, String path, String tag,
                                                    String digest) {
            assertEquals(new ImageReference(domain, path, tag, digest), ImageReference.parse(text));
        }

        @Test
        void digestsAndRepositories() {
            String digest = "sha256:" + "a".repeat(64);
            ImageReference r = ImageReference.parse("127.0.0.1:5000/app:1@" + digest);
            assertEquals(digest, r.digest());
            assertEquals("127.0.0.1:5000/app", r.repository());
            assertEquals("1", r.tagOrLatest());
            assertEquals("latest", ImageReference.parse("busybox").tagOrLatest());
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "BusyBox|invalid reference format: repository name must be lowercase",
                "bad repo|invalid reference format",
                "busybox:|invalid reference format",
                "busybox:-x|invalid reference format: invalid tag",
                "-busybox|invalid reference format",
                "app@sha256:xyz|invalid reference format: invalid digest",
                "reg_istry.io/app|invalid reference format: invalid registry 'reg_istry.io'",
                "a//b|invalid reference format",
                "zunvx-p-abc/busybox|repository names starting with zunvx-p- are reserved for the platform's "
                        + "per-project image names",
                "docker.io/zunvx-p-abc/busybox:1|repository names starting with zunvx-p- are reserved for the "
                        + "platform's per-project image names"})
        void malformedReferencesAre400NamingThem(String text, String why) {
            invalidValue(() -> ImageReference.parse(text), "Invalid image name '" + text + "': " + why);
        }

        @Test
        void namesAreAtMost255Characters() {
            String longName = "a".repeat(256);
            invalidValue(() -> ImageReference.parse(longName), "Invalid image name '" + longName
                    + "': repository name must not be more than 255 characters");
        }

        @ParameterizedTest
        @ValueSource(strings = {"r.io", "127.0.0.1:5000", "localhost", "[::1]:5000", "a-b.c-d.example:1"})
        void registryDomains(String domain) {
            assertTrue(ImageReference.isDomain(domain));
        }

        @ParameterizedTest
        @ValueSource(strings = {"https://r.io", "r.io/v2", "-r.io", "r.io:port", "a b"})
        void notRegistryDomains(String domain) {
            assertFalse(ImageReference.isDomain(domain));
        }
    }

    @Nested
    class Registries {
        @Test
        void createNeedsADomainAndTakesTheRest() {
            RegistryRequest r = RegistryRequest.create(new JsonObject().put("registry", new JsonObject()
                    .put("name", "reg").put("domain", "r.io").put("username", "u").put("password", "p")));
            assertEquals(new RegistryRequest("reg", "r.io", "u", "p"), r);
            assertFalse(r.toString().contains("=p]"), "password not in toString");
            schemaError(() -> RegistryRequest.create(new JsonObject().put("registry", new JsonObject())),
                    "Invalid input for field 'registry'.Value: '{}'. 'domain' is a required property");
            schemaError(() -> RegistryRequest.create(null), "None is not of type 'object'");
            schemaError(() -> RegistryRequest.create(new JsonObject().put("registry", "x")),
                    "Invalid input for field 'registry'.Value: 'x'. 'x' is not of type 'object'");
        }

        @Test
        void updateTakesAnySubset() {
            RegistryRequest u = RegistryRequest.update(new JsonObject().put("registry", new JsonObject()
                    .put("username", "u2")));
            assertEquals(new RegistryRequest(null, null, "u2", null), u);
            assertTrue(RegistryRequest.update(new JsonObject().put("registry", new JsonObject())).isEmpty());
            schemaError(() -> RegistryRequest.update(new JsonObject().put("registry", new JsonObject()
                    .put("password", ""))), "Invalid input for field 'password'.Value: ''. '' is too short");
        }

        @Test
        void theDomainMustBeARegistryHost() {
            invalidValue(() -> RegistryRequest.create(new JsonObject().put("registry", new JsonObject()
                    .put("domain", "https://r.io"))), "Invalid registry domain 'https://r.io': it must be a "
                    + "registry host with an optional port, e.g. registry.example.com or 127.0.0.1:5000.");
        }
    }

    @Nested
    class Pulls {
        @Test
        void theRepositoryAndTagAreSplit() {
            assertEquals(new ImagePullRequest("127.0.0.1:5000/app", "2", "h1", null), ImagePullRequest.parse(
                    new JsonObject().put("repo", "127.0.0.1:5000/app:2").put("host", "h1")));
            assertEquals(new ImagePullRequest("busybox", "1.36", "h1", "ifnotpresent"), ImagePullRequest.parse(
                    new JsonObject().put("repo", "busybox").put("tag", "1.36").put("host", "h1")
                            .put("image_pull_policy", "IfNotPresent")));
            assertEquals("latest", ImagePullRequest.parse(new JsonObject().put("repo", "busybox")
                    .put("host", "h1").put("size", 12).put("image_id", "sha256:ab")).tag());
        }

        @Test
        void zunsSchemaComesFirst() {
            schemaError(() -> ImagePullRequest.parse(new JsonObject().put("host", "h1")),
                    "'repo' is a required property");
            schemaError(() -> ImagePullRequest.parse(new JsonObject().put("repo", "b").put("host", "h1")),
                    "Invalid input for field 'repo'.Value: 'b'. 'b' is too short");
            schemaError(() -> ImagePullRequest.parse(new JsonObject().put("repo", "busybox").put("host", "h1")
                            .put("image_pull_policy", "sometimes")),
                    "Invalid input for field 'image_pull_policy'.Value: 'sometimes'. 'sometimes' is not one of "
                            + "['never', 'always', 'ifnotpresent', 'Never', 'Always', 'IfNotPresent', None]");
            invalidValue(() -> ImagePullRequest.parse(new JsonObject().put("repo", "busybox@sha256:"
                    + "b".repeat(64)).put("host", "h1")), "Invalid image name 'busybox@sha256:" + "b".repeat(64)
                    + "': images are pulled by tag; a digest is not supported here.");
        }
    }

    @Nested
    class Searches {
        @Test
        void driversAndExactMatchAsTheClientSendsThem() {
            assertEquals(new SearchQuery("docker", false),
                    SearchQuery.parse(query("image_driver=docker&exact_match=False")));
            assertEquals(new SearchQuery("docker", false), SearchQuery.parse(query("image_driver=None")));
            assertEquals(new SearchQuery("glance", true),
                    SearchQuery.parse(query("image_driver=glance&exact_match=True")));
            assertEquals(new SearchQuery("docker", false), SearchQuery.parse(query("")));
        }

        @Test
        void anythingElseIsASchemaError() {
            schemaError(() -> SearchQuery.parse(query("image_driver=rkt")),
                    "Invalid input for query parameters 'image_driver'. Value: 'rkt'. 'rkt' is not one of "
                            + "['glance', 'docker', None, 'None']");
            schemaError(() -> SearchQuery.parse(query("exact_match=1")),
                    "Invalid input for query parameters 'exact_match'. Value: '1'. '1' is not one of "
                            + "[True, 'True', 'true', False, 'False', 'false']");
            schemaError(() -> SearchQuery.parse(query("limit=1")),
                    "Additional properties are not allowed ('limit' was unexpected)");
        }
    }

    @Nested
    class Pages {
        private final PageQuery.Spec spec = new PageQuery.Spec(List.of("name"), Set.of("id", "name"), true, true,
                id -> new io.zunvx.platform.error.ZunException(404, "x-not-found", "X " + id));

        @Test
        void defaultsAndValues() {
            UUID marker = UUID.randomUUID();
            PageQuery q = PageQuery.parse(query("limit=5&marker=" + marker + "&sort_key=name&sort_dir=desc"
                    + "&name=a&all_projects=1"), 1000, spec);
            assertEquals(new PageQuery(5, marker, "name", "desc", true, java.util.Map.of("name", "a")), q);
            PageQuery d = PageQuery.parse(query(""), 1000, spec);
            assertEquals(1000, d.limit());
            assertNull(d.marker());
            assertEquals("id", d.sortKey());
            assertEquals("asc", d.sortDir());
        }

        @Test
        void zunsErrors() {
            invalidValue(() -> PageQuery.parse(query("limit=-1"), 1000, spec), "Limit must be positive integer");
            invalidValue(() -> PageQuery.parse(query("sort_dir=up"), 1000, spec),
                    "Invalid sort direction: up. Acceptable values are 'asc' or 'desc'");
            invalidValue(() -> PageQuery.parse(query("x=1"), 1000, spec), "Unknown parameters: x");
            fails(() -> PageQuery.parse(query("sort_key=z"), 1000, spec), 400, "invalid-parameter-value",
                    "The sort_key value \"z\" is an invalid field for sorting");
            fails(() -> PageQuery.parse(query("marker=abc"), 1000, spec), 404, "x-not-found", "X abc");
            // Lists that ignore unknown parameters, as Zun's image list does.
            PageQuery.Spec lenient = new PageQuery.Spec(List.of(), Set.of("id"), false, false, spec.markerNotFound());
            assertEquals(7, PageQuery.parse(query("limit=7&whatever=1"), 1000, lenient).limit());
        }
    }
}
