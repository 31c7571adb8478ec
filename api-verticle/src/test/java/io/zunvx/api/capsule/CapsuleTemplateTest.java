package io.zunvx.api.capsule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.zunvx.api.container.Defaults;
import io.zunvx.platform.error.ZunException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CapsuleTemplateTest {
    private static final String MINIMAL = """
            {"kind": "capsule", "metadata": {"name": "demo"},
             "spec": {"containers": [{"image": "busybox"}]}}""";

    private static CapsuleTemplate parse(String json) {
        return CapsuleTemplate.parse(new JsonObject(json), Defaults.standard());
    }

    private static ZunException refused(String json) {
        ZunException e = assertThrows(ZunException.class, () -> parse(json));
        assertEquals(400, e.status(), e.getMessage());
        return e;
    }

    @Test
    void aFullTemplateMapsToZunsContainerFields() {
        // GIVEN the reference's example template, with an init container and both kinds of volume
        CapsuleTemplate t = parse("""
                {"kind": "capsule", "capsuleVersion": "beta",
                 "metadata": {"name": "demo", "labels": {"app": "web"}, "annotations": {"a": "b"}},
                 "spec": {"restartPolicy": "OnFailure",
                  "initContainers": [{"image": "busybox", "command": ["sh"], "args": ["-c", "true"],
                                      "resources": {"requests": {"cpu": 2, "memory": 1024}},
                                      "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
                  "containers": [{"image": "nginx", "command": ["nginx"], "env": {"FOO": "bar"}, "workDir": "/w",
                                  "resources": {"requests": {"cpu": 0.5, "memory": 256}},
                                  "ports": [{"containerPort": 80, "protocol": "TCP"}, {"containerPort": "53",
                                             "protocol": "UDP"}],
                                  "volumeMounts": [{"name": "data", "mountPath": "/usr/share/nginx/html",
                                                    "readOnly": true}],
                                  "stdin": true, "tty": "true"},
                                 {"image": "busybox", "resources": {"requests": {"cpu": 0.5, "memory": 256}}}],
                  "volumes": [{"name": "data", "cinder": {"size": 1, "autoRemove": true}}]}}""");

        // THEN the fields are Zun's, and the totals follow the reference (init containers: the max)
        assertEquals("demo", t.name());
        assertEquals("on-failure", t.restartPolicy());
        assertEquals(List.of("sh", "-c", "true"), t.initContainers().getFirst().command());
        CapsuleTemplate.Spec web = t.containers().getFirst();
        assertEquals(List.of("80/tcp", "53/udp"), web.exposedPorts());
        assertEquals("bar", web.environment().get("FOO"));
        assertEquals("/w", web.workdir());
        assertTrue(web.interactive() && web.tty());
        assertTrue(web.mounts().getFirst().readOnly());
        assertEquals(2.0, t.cpu());
        assertEquals(1024, t.memory());
        assertEquals(new CapsuleTemplate.VolumeSpec("data", null, 1, true), t.volumes().getFirst());
    }

    @Test
    void defaultsAreAlwaysAndZunsPerContainerDefaults() {
        CapsuleTemplate t = parse(MINIMAL);
        assertEquals("always", t.restartPolicy());
        assertEquals(1.0, t.cpu());
        assertEquals(512, t.memory());
        assertNull(t.containers().getFirst().command());
        // Zun opens every capsule container's stdin, so a shell as the command keeps running
        assertTrue(t.containers().getFirst().interactive());
        assertFalse(t.containers().getFirst().tty());
    }

    @Test
    void aJsonStringTemplateIsParsedLikeAnObject() {
        CapsuleTemplate t = CapsuleTemplate.parse(MINIMAL, Defaults.standard());
        assertEquals("demo", t.name());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"metadata": {}, "spec": {"containers": [{"image": "busybox"}]}}                               | 'kind' is a required property
            {"kind": "capsule", "spec": {"containers": [{"image": "busybox"}]}}                            | 'metadata' is a required property
            {"kind": "capsule", "metadata": {}}                                                            | 'spec' is a required property
            {"kind": "pod", "metadata": {}, "spec": {"containers": [{"image": "busybox"}]}}                | is not one of
            {"kind": "capsule", "metadata": {}, "spec": {"containers": [{"image": "busybox"}]}, "x": 1}    | Additional properties are not allowed ('x' was unexpected)
            {"kind": "capsule", "metadata": {"nick": "a"}, "spec": {"containers": [{"image": "busybox"}]}} | Additional properties are not allowed ('nick' was unexpected)
            {"kind": "capsule", "metadata": {}, "spec": null}                                              | No Spec found
            {"kind": "capsule", "metadata": {}, "spec": {}}                                                 | one container at least
            {"kind": "capsule", "metadata": {}, "spec": {"containers": []}}                                | one container at least
            {"kind": "capsule", "metadata": {}, "spec": {"containers": [{"command": ["sh"]}]}}             | Container image is needed
            {"kind": "capsule", "metadata": {}, "spec": {"containers": [{"image": "busybox", "cpus": 1}]}} | Additional properties are not allowed ('cpus' was unexpected)
            {"kind": "capsule", "metadata": {}, "spec": {"restartPolicy": "Sometimes", "containers": [{"image": "busybox"}]}} | is not one of
            {"kind": "capsule", "metadata": {}, "spec": {"containers": [{"image": "busybox", "ports": [{"protocol": "TCP"}]}]}} | 'containerPort' is a required property
            {"kind": "capsule", "metadata": {}, "spec": {"containers": [{"image": "busybox", "ports": [{"containerPort": 70000}]}]}} | not a port number
            {"kind": "capsule", "metadata": {}, "spec": {"containers": [{"image": "busybox", "resources": {"requests": {"memory": 1}}}]}} | less than the minimum
            {"kind": "capsule", "metadata": {}, "spec": {"containers": [{"image": "busybox", "resources": {"limits": {"cpu": 1}}}]}} | resources.limits is not supported
            {"kind": "capsule", "metadata": {}, "spec": {"containers": [{"image": "busybox"}], "volumes": [{"name": "data", "cinder": {"size": 1}}]}} | volume data is not mounted by any container
            {"kind": "capsule", "metadata": {}, "spec": {"containers": [{"image": "busybox", "volumeMounts": [{"name": "x", "mountPath": "/x"}]}]}} | no volume named x
            {"kind": "capsule", "metadata": {}, "spec": {"containers": [{"image": "busybox", "volumeMounts": [{"name": "data", "mountPath": "/d"}]}], "volumes": [{"name": "data", "cinder": {"size": 1, "volumeID": "3d9a0c2e-5b7f-4a1c-8e2d-9f0a1b2c3d4e"}}]}} | exactly one of cinder.volumeID and cinder.size
            {"kind": "capsule", "metadata": {}, "spec": {"containers": [{"image": "busybox", "volumeMounts": [{"name": "data", "mountPath": "/d"}]}], "volumes": [{"name": "data", "cinder": {}}]}} | exactly one of cinder.volumeID and cinder.size
            {"kind": "capsule", "metadata": {}, "spec": {"containers": [{"image": "busybox", "volumeMounts": [{"name": "data", "mountPath": "/d"}]}], "volumes": [{"name": "data", "cinder": {"volumeID": "nope"}}]}} | is not a volume uuid
            {"kind": "capsule", "metadata": {}, "spec": {"containers": [{"image": "busybox", "volumeMounts": [{"name": "data", "mountPath": "/d"}]}], "volumes": [{"name": "data", "cinder": {"size": 1.5}}]}} | whole number of GiB
            {"kind": "capsule", "metadata": {}, "spec": {"containers": [{"image": "busybox", "volumeMounts": [{"name": "data", "mountPath": "/d"}]}], "volumes": [{"name": "data", "nfs": {}}]}} | Additional properties are not allowed ('nfs' was unexpected)
            {"kind": "capsule", "metadata": {}, "spec": {"containers": [{"image": "busybox", "volumeMounts": [{"name": "data", "mountPath": "relative"}]}], "volumes": [{"name": "data", "cinder": {"size": 1}}]}} | must be an absolute path
            """)
    void everyRuleAnswers400(String json, String message) {
        ZunException e = refused(json);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void aTemplateThatIsNeitherObjectNorJsonIsRefused() {
        assertEquals(400, assertThrows(ZunException.class,
                () -> CapsuleTemplate.parse("not json", Defaults.standard())).status());
        assertEquals(400, assertThrows(ZunException.class,
                () -> CapsuleTemplate.parse(42, Defaults.standard())).status());
        assertEquals(400, assertThrows(ZunException.class,
                () -> CapsuleTemplate.parse(null, Defaults.standard())).status());
    }
}
