package io.zunvx.launcher;

import io.vertx.core.VertxOptions;
import io.zunvx.platform.app.Platform;
import io.zunvx.platform.config.ConfigException;
import io.zunvx.platform.config.ZunvxConfig;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * {@code zunvx <command>}: chooses what this process runs, and nothing more: {@code all-in-one}, one role per process
 * for Kubernetes ({@code api}, {@code scheduler}, {@code compute}, {@code wsproxy}), each built by its factory in
 * {@link Roles}, or {@code migrate}. Each role process also runs an outbox relay; one is active at a time. Everything
 * is configured by {@code ZUNVX_*} variables.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "all-in-one" : args[0];
        ZunvxConfig config;
        try {
            config = ZunvxConfig.fromEnvironment();
        } catch (ConfigException e) {
            System.err.println("zunvx: " + e.getMessage());
            System.exit(2);
            return;
        }
        Roles roles = Roles.standard();
        switch (command) {
            case "all-in-one" -> allInOne(config);
            case "migrate" -> Migrate.run(config, required(config.database().url(), "ZUNVX_DB_URL"));
            case "rotate-signing-key" -> Migrate.rotateSigningKey(config,
                    required(config.database().url(), "ZUNVX_DB_URL"));
            case "api" -> role("api", config, roles.api());
            case "scheduler" -> role("scheduler", config, roles.scheduler());
            case "compute" -> role("compute", config, roles.compute());
            case "wsproxy" -> role("wsproxy", config, roles.wsproxy());
            case "help", "--help", "-h" -> usage(0);
            default -> usage(2);
        }
    }

    private static void allInOne(ZunvxConfig config) throws InterruptedException {
        AllInOne aio = AllInOne.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(aio::close, "zunvx-shutdown"));
        System.out.println();
        System.out.println("Zun-VX all-in-one is running.");
        System.out.println("  API:          " + aio.apiUrl() + "/v1");
        System.out.println("  Identity:     " + aio.apiUrl() + "/identity/v3");
        System.out.println("  Data:         " + config.dataDir());
        System.out.println("  Kafka:        " + aio.kafkaBootstrapServers());
        if (aio.bootstrap().generated()) {
            System.out.println("  Admin user:   " + config.identity().adminUser() + " (project "
                    + config.identity().adminProject() + "), password " + aio.bootstrap().password()
                    + "  (shown once; set ZUNVX_ADMIN_PASSWORD to choose it)");
        }
        System.out.println("  Admin token:  " + aio.adminToken());
        System.out.println();
        new CountDownLatch(1).await();
    }

    private static void role(String name, ZunvxConfig config, Function<Platform, Role> role)
            throws InterruptedException {
        String db = required(config.database().url(), "ZUNVX_DB_URL");
        String kafka = required(config.kafka().bootstrapServers(), "ZUNVX_KAFKA_BOOTSTRAP_SERVERS");
        RoleProcess process = RoleProcess.start(name, config, db, kafka, role, new VertxOptions());
        Runtime.getRuntime().addShutdownHook(new Thread(process::close, "zunvx-shutdown"));
        new CountDownLatch(1).await();
    }

    private static String required(String value, String name) {
        if (value == null) {
            System.err.println("zunvx: " + name + " must be set for this command");
            System.exit(2);
        }
        return value;
    }

    private static void usage(int code) {
        System.out.println("""
                usage: zunvx <command>
                  all-in-one    every role in one process, embedded PostgreSQL and Kafka (default)
                  api           the Zun REST API v1
                  scheduler     placement
                  compute       the agent for this host's Docker engine
                  wsproxy       the WebSocket proxy of attach and interactive exec
                  migrate       bring the PostgreSQL schema up to date (and, with ZUNVX_ADMIN_PASSWORD, the admin)
                  rotate-signing-key  add a token signing key now (running roles take it up within
                                ZUNVX_SIGNING_KEY_REFRESH; the old key verifies until its tokens expired)
                configuration: ZUNVX_* environment variables (see README)""");
        System.exit(code);
    }
}
