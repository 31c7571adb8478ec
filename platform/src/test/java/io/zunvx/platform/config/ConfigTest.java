package io.zunvx.platform.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading {@code ZUNVX_*} variables into {@link ZunvxConfig}: defaults, overrides, refusals and redaction. */
class ConfigTest {

    @Test
    void emptyEnvironmentGivesTheDocumentedDefaults() {
        // GIVEN no ZUNVX_ variable at all
        Map<String, String> env = Map.of();

        // WHEN the configuration is read
        ZunvxConfig c = ZunvxConfig.from(env);

        // THEN every setting has its default
        assertEquals(Path.of(System.getProperty("user.home"), ".zunvx").toAbsolutePath(), c.dataDir());
        assertNull(c.database().url(), "embedded PostgreSQL by default");
        assertEquals(16, c.database().poolSize());
        assertNull(c.kafka().bootstrapServers(), "embedded Kafka by default");
        assertEquals(8, c.kafka().partitions());
        assertEquals("0.0.0.0", c.api().host());
        assertEquals(9517, c.api().port());
        assertEquals("http://127.0.0.1:9517", c.api().publicUrl());
        assertEquals("", c.api().uniqueNameScope());
        assertEquals(1000, c.api().maxLimit());
        assertTrue(c.compute().hostName().matches("[A-Za-z0-9._-]+"), c.compute().hostName());
        assertEquals("unix:///var/run/docker.sock", c.compute().dockerHost());
        assertEquals("zunvx-default", c.compute().network());
        assertEquals(9518, c.compute().internalPort());
        assertEquals("http://127.0.0.1:9518", c.compute().internalUrl());
        assertEquals("nova", c.compute().availabilityZone());
        assertEquals(Duration.ofSeconds(10), c.compute().heartbeat());
        assertEquals(Duration.ofSeconds(30), c.compute().syncInterval());
        assertEquals(Duration.ofSeconds(60), c.compute().orphanGrace());
        assertEquals(Duration.ofSeconds(5), c.compute().executeTimeout());
        assertEquals(Duration.ofSeconds(180), c.scheduler().serviceDownTime());
        assertEquals("spread", c.scheduler().weigher());
        assertEquals(16.0, c.scheduler().cpuAllocationRatio());
        assertEquals(1.5, c.scheduler().ramAllocationRatio());
        assertEquals(1.0, c.scheduler().diskAllocationRatio());
        assertEquals(6784, c.proxy().port());
        assertEquals("ws://127.0.0.1:6784/", c.proxy().baseUrl());
        assertEquals("admin", c.identity().adminUser());
        assertEquals("admin", c.identity().adminProject());
        assertNull(c.identity().adminPassword(), "generated when not given");
        assertEquals(Duration.ofHours(12), c.identity().tokenTtl());
        assertEquals(9510, c.opsPort());
    }

    @Test
    void everyVariableOverridesItsSetting() {
        // GIVEN every ZUNVX_ variable set to a non-default value
        Map<String, String> env = new HashMap<>();
        env.put("ZUNVX_DATA_DIR", "/var/lib/zunvx-test");
        env.put("ZUNVX_DB_URL", "postgresql://zun:pw@db.example:5433/zun");
        env.put("ZUNVX_DB_POOL_SIZE", "4");
        env.put("ZUNVX_KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092");
        env.put("ZUNVX_KAFKA_PARTITIONS", "3");
        env.put("ZUNVX_API_HOST", "127.0.0.1");
        env.put("ZUNVX_API_PORT", "19517");
        env.put("ZUNVX_API_PUBLIC_URL", "https://zun.example/");
        env.put("ZUNVX_UNIQUE_NAME_SCOPE", "project");
        env.put("ZUNVX_API_MAX_LIMIT", "50");
        env.put("ZUNVX_COMPUTE_HOST", "node-7.example");
        env.put("ZUNVX_DOCKER_HOST", "tcp://127.0.0.1:2375");
        env.put("ZUNVX_COMPUTE_NETWORK", "none");
        env.put("ZUNVX_COMPUTE_INTERNAL_PORT", "19518");
        env.put("ZUNVX_COMPUTE_INTERNAL_URL", "http://node-7:19518/");
        env.put("ZUNVX_COMPUTE_AVAILABILITY_ZONE", "az-2");
        env.put("ZUNVX_COMPUTE_HEARTBEAT", "500ms");
        env.put("ZUNVX_COMPUTE_SYNC_INTERVAL", "3m");
        env.put("ZUNVX_COMPUTE_ORPHAN_GRACE", "1h");
        env.put("ZUNVX_COMPUTE_EXECUTE_TIMEOUT", "45s");
        env.put("ZUNVX_SERVICE_DOWN_TIME", "45");
        env.put("ZUNVX_SCHEDULER_WEIGHER", "pack");
        env.put("ZUNVX_CPU_ALLOCATION_RATIO", "4.0");
        env.put("ZUNVX_RAM_ALLOCATION_RATIO", "1.25");
        env.put("ZUNVX_DISK_ALLOCATION_RATIO", "2");
        env.put("ZUNVX_WSPROXY_PORT", "16784");
        env.put("ZUNVX_WSPROXY_BASE_URL", "wss://ws.example/");
        env.put("ZUNVX_ADMIN_USER", "root-user");
        env.put("ZUNVX_ADMIN_PROJECT", "ops");
        env.put("ZUNVX_ADMIN_PASSWORD", "hunter2");
        env.put("ZUNVX_TOKEN_TTL", "10s");
        env.put("ZUNVX_OPS_PORT", "19510");

        // WHEN the configuration is read
        ZunvxConfig c = ZunvxConfig.from(env);

        // THEN each setting carries its variable's value, parsed to its type
        assertEquals(Path.of("/var/lib/zunvx-test"), c.dataDir());
        assertEquals("postgresql://zun:pw@db.example:5433/zun", c.database().url());
        assertEquals(4, c.database().poolSize());
        assertEquals("k1:9092,k2:9092", c.kafka().bootstrapServers());
        assertEquals(3, c.kafka().partitions());
        assertEquals(new ZunvxConfig.Api("127.0.0.1", 19517, "https://zun.example", "project", 50, null), c.api());
        assertEquals(new ZunvxConfig.Compute("node-7.example", "tcp://127.0.0.1:2375", "none", 19518,
                "http://node-7:19518", "az-2", Duration.ofMillis(500), Duration.ofMinutes(3), Duration.ofHours(1),
                Duration.ofMinutes(10), false, Map.of(), Duration.ofSeconds(45)),
                c.compute());
        assertEquals(new ZunvxConfig.Scheduler(Duration.ofSeconds(45), "pack", 4.0, 1.25, 2.0), c.scheduler());
        assertEquals(new ZunvxConfig.Proxy(16784, "wss://ws.example/"), c.proxy());
        assertEquals(new ZunvxConfig.Identity("root-user", "ops", "hunter2", Duration.ofSeconds(10)), c.identity());
        assertEquals(19510, c.opsPort());
    }

    @Test
    void derivedUrlsFollowTheirPorts() {
        // GIVEN only the ports changed
        Map<String, String> env = Map.of("ZUNVX_API_PORT", "8000", "ZUNVX_WSPROXY_PORT", "8001",
                "ZUNVX_COMPUTE_INTERNAL_PORT", "8002");

        // WHEN the configuration is read
        ZunvxConfig c = ZunvxConfig.from(env);

        // THEN the default URLs point at them
        assertEquals("http://127.0.0.1:8000", c.api().publicUrl());
        assertEquals("ws://127.0.0.1:8001/", c.proxy().baseUrl());
        assertEquals("http://127.0.0.1:8002", c.compute().internalUrl());
    }

    @Test
    void blankValuesMeanTheDefaultAndOtherEnvironmentVariablesAreIgnored() {
        // GIVEN a blank ZUNVX_ variable next to variables of other programs
        Map<String, String> env = Map.of("ZUNVX_API_PORT", "  ", "PATH", "/usr/bin", "HOME", "/root",
                "ZUN_API_PORT", "1");

        // WHEN the configuration is read
        ZunvxConfig c = ZunvxConfig.from(env);

        // THEN the default applies and nothing is refused
        assertEquals(9517, c.api().port());
    }

    @Test
    void unknownVariableIsRejectedByName() {
        // GIVEN a misspelt variable next to a valid one
        Map<String, String> env = Map.of("ZUNVX_FOO", "bar", "ZUNVX_API_PORT", "9000");

        // WHEN the configuration is read
        ConfigException e = assertThrows(ConfigException.class, () -> ZunvxConfig.from(env));

        // THEN the refusal names the unknown variable
        assertTrue(e.getMessage().contains("ZUNVX_FOO"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "ZUNVX_API_PORT, 95x17",
        "ZUNVX_API_PORT, 9517.5",
        "ZUNVX_DB_POOL_SIZE, many",
        "ZUNVX_KAFKA_PARTITIONS, 99999999999",
        "ZUNVX_CPU_ALLOCATION_RATIO, lots",
        "ZUNVX_COMPUTE_HEARTBEAT, 10 seconds",
        "ZUNVX_COMPUTE_HEARTBEAT, 1.5s",
        "ZUNVX_COMPUTE_SYNC_INTERVAL, ms",
        "ZUNVX_COMPUTE_ORPHAN_GRACE, 3d",
        "ZUNVX_SERVICE_DOWN_TIME, soon",
        "ZUNVX_TOKEN_TTL, 12 h",
    })
    void unparsableValueIsRejectedNamingTheVariable(String variable, String value) {
        // GIVEN a variable whose value is not of its type
        Map<String, String> env = Map.of(variable, value);

        // WHEN the configuration is read
        ConfigException e = assertThrows(ConfigException.class, () -> ZunvxConfig.from(env));

        // THEN the refusal names the variable and the value
        assertTrue(e.getMessage().contains(variable), e.getMessage());
        assertTrue(e.getMessage().contains(value), e.getMessage());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "ZUNVX_UNIQUE_NAME_SCOPE, tenant",
        "ZUNVX_UNIQUE_NAME_SCOPE, Project",
        "ZUNVX_SCHEDULER_WEIGHER, random",
        "ZUNVX_COMPUTE_HOST, host with spaces",
        "ZUNVX_COMPUTE_HOST, node/1",
        "ZUNVX_COMPUTE_HOST, node:1",
    })
    void invalidChoiceIsRejectedNamingTheVariable(String variable, String value) {
        // GIVEN a well-formed value outside the allowed set
        Map<String, String> env = Map.of(variable, value);

        // WHEN the configuration is read
        ConfigException e = assertThrows(ConfigException.class, () -> ZunvxConfig.from(env));

        // THEN the refusal names the variable
        assertTrue(e.getMessage().contains(variable), e.getMessage());
    }

    @Test
    void everyUniqueNameScopeAndWeigherIsAccepted() {
        for (String scope : new String[] {"project", "global"}) {
            for (String weigher : new String[] {"spread", "pack"}) {
                // GIVEN one allowed combination
                Map<String, String> env = Map.of("ZUNVX_UNIQUE_NAME_SCOPE", scope, "ZUNVX_SCHEDULER_WEIGHER", weigher);

                // WHEN the configuration is read
                ZunvxConfig c = ZunvxConfig.from(env);

                // THEN it is kept as given
                assertEquals(scope, c.api().uniqueNameScope());
                assertEquals(weigher, c.scheduler().weigher());
            }
        }
    }
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "ZUNVX_API_PORT, 70000",
        "ZUNVX_WSPROXY_PORT, -1",
        "ZUNVX_OPS_PORT, 65536",
        "ZUNVX_RAM_ALLOCATION_RATIO, 0",
        "ZUNVX_CPU_ALLOCATION_RATIO, -2",
        "ZUNVX_DB_POOL_SIZE, 0",
        "ZUNVX_KAFKA_PARTITIONS, 0",
        "ZUNVX_API_MAX_LIMIT, 0",
        "ZUNVX_COMPUTE_EXECUTE_TIMEOUT, 91s",
    })
    void outOfRangeValueIsRejectedNamingTheVariable(String variable, String value) {
        // GIVEN a number of the right type but outside its range
        Map<String, String> env = Map.of(variable, value);

        // WHEN the configuration is read
        ConfigException e = assertThrows(ConfigException.class, () -> ZunvxConfig.from(env));

        // THEN the refusal names the variable
        assertTrue(e.getMessage().contains(variable), e.getMessage());
    }
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "ZUNVX_COMPUTE_HEARTBEAT, 0s",
        "ZUNVX_COMPUTE_SYNC_INTERVAL, -5s",
        "ZUNVX_COMPUTE_EXECUTE_TIMEOUT, 0s",
        "ZUNVX_TOKEN_TTL, 0",
    })
    void nonPositiveDurationIsRejectedNamingTheVariable(String variable, String value) {
        // GIVEN an interval that cannot be used
        Map<String, String> env = Map.of(variable, value);

        // WHEN the configuration is read
        ConfigException e = assertThrows(ConfigException.class, () -> ZunvxConfig.from(env));

        // THEN the refusal names the variable
        assertTrue(e.getMessage().contains(variable), e.getMessage());
    }

    @Test
    void toStringRedactsTheDatabasePasswordAndTheAdminPassword() {
        // GIVEN a database URL and an admin password holding secrets
        Map<String, String> env = Map.of(
                "ZUNVX_DB_URL", "postgresql://zun:Db-s3cret_Value@db.example:5432/zun",
                "ZUNVX_ADMIN_PASSWORD", "Adm1n-s3cret_Value");

        // WHEN the configuration is rendered for a log line
        String text = ZunvxConfig.from(env).toString();

        // THEN neither secret appears, but the rest of the URL does
        assertFalse(text.contains("Db-s3cret_Value"), text);
        assertFalse(text.contains("Adm1n-s3cret_Value"), text);
        assertTrue(text.contains("postgresql://zun:***@db.example:5432/zun"), text);
        assertTrue(text.contains("adminPassword=***"), text);
    }

    @Test
    void toStringSaysWhenTheAdminPasswordIsGeneratedAndTheDatabaseEmbedded() {
        // GIVEN neither a database URL nor an admin password
        String text = ZunvxConfig.from(Map.of()).toString();

        // THEN the rendering says what happens instead
        assertTrue(text.contains("url=embedded"), text);
        assertTrue(text.contains("adminPassword=(generated)"), text);
    }
    @Test
    void toStringRedactsAPasswordGivenAsUrlParameter() {
        // GIVEN the libpq form with the password in the query string
        Map<String, String> env = Map.of("ZUNVX_DB_URL",
                "postgresql://db.example:5432/zun?user=zun&password=Db-s3cret_Value");

        // WHEN the configuration is rendered for a log line
        String text = ZunvxConfig.from(env).toString();

        // THEN the secret does not appear
        assertFalse(text.contains("Db-s3cret_Value"), text);
    }

    // ---- images ---------------------------------------------------------------------------------------------------

    private static final String KEY_32 = java.util.Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void imageSettingsDefaultToAFileStoreUnderTheDataDirectory() {
        // GIVEN only a data directory
        Map<String, String> env = Map.of("ZUNVX_DATA_DIR", "/var/lib/zunvx-img");

        // WHEN the configuration is read
        ZunvxConfig.Images i = ZunvxConfig.from(env).images();

        // THEN the store is the filesystem under it, 8 GiB uploads, a key file, and no search registry
        assertEquals("file", i.storeBackend());
        assertEquals(Path.of("/var/lib/zunvx-img/images"), i.storeDir());
        assertEquals(8L * 1024 * 1024 * 1024, i.maxUploadBytes());
        assertNull(i.registryKey());
        assertEquals("", i.searchRegistry());
    }

    @Test
    void everyImageVariableOverridesItsSetting() {
        // GIVEN every image variable set
        Map<String, String> env = Map.of("ZUNVX_IMAGE_STORE_BACKEND", "postgres",
                "ZUNVX_IMAGE_STORE_DIR", "/srv/images", "ZUNVX_IMAGE_STORE_MAX_BYTES", "1048576",
                "ZUNVX_REGISTRY_KEY", KEY_32, "ZUNVX_IMAGE_SEARCH_REGISTRY", "127.0.0.1:5000");

        // WHEN the configuration is read
        ZunvxConfig.Images i = ZunvxConfig.from(env).images();

        // THEN each is taken
        assertEquals(new ZunvxConfig.Images("postgres", Path.of("/srv/images"), 1_048_576, KEY_32,
                "127.0.0.1:5000"), i);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "ZUNVX_IMAGE_STORE_BACKEND, s3",
        "ZUNVX_IMAGE_STORE_MAX_BYTES, 0",
        "ZUNVX_IMAGE_STORE_MAX_BYTES, -5",
        "ZUNVX_IMAGE_STORE_MAX_BYTES, 8GiB",
        "ZUNVX_REGISTRY_KEY, not*base64",
        "ZUNVX_REGISTRY_KEY, AAAAAAAAAAAAAAAAAAAAAA==",
    })
    void unusableImageSettingIsRejectedNamingTheVariable(String variable, String value) {
        // GIVEN an unknown backend, a limit that is not a positive number, or a key that is not 32 bytes of base64
        Map<String, String> env = Map.of(variable, value);

        // WHEN the configuration is read
        ConfigException e = assertThrows(ConfigException.class, () -> ZunvxConfig.from(env));

        // THEN the refusal names the variable
        assertTrue(e.getMessage().contains(variable), e.getMessage());
    }

    @Test
    void toStringRedactsTheRegistryKey() {
        // GIVEN a configured registry key
        String key = java.util.Base64.getEncoder().encodeToString("0123456789abcdef0123456789ABCDEF".getBytes());

        // WHEN the configuration is rendered for a log line
        String text = ZunvxConfig.from(Map.of("ZUNVX_REGISTRY_KEY", key)).toString();

        // THEN the key does not appear
        assertFalse(text.contains(key), text);
        assertTrue(text.contains("registryKey=***"), text);
    }

    @Test
    void constructorWithoutImagesUsesTheImageDefaults() {
        // GIVEN a configuration built without image settings, as older callers do
        ZunvxConfig base = ZunvxConfig.from(Map.of("ZUNVX_DATA_DIR", "/data"));
        ZunvxConfig c = new ZunvxConfig(base.dataDir(), base.database(), base.kafka(), base.api(), base.compute(),
                base.scheduler(), base.proxy(), base.identity(), base.quota(), base.opsPort());

        // THEN its image settings are the defaults under its data directory
        assertEquals(ZunvxConfig.Images.defaults(Path.of("/data")), c.images());
        assertEquals(base.images(), c.images());
    }
}
