package io.zunvx.platform.host;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.ZunService;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Zun services and their heartbeats. */
public final class ServiceRepository {

    /** Registers the service if new, and records a heartbeat. */
    public Future<ZunService> heartbeat(SqlClient db, String host, String binary, String zone, Instant now) {
        return db.preparedQuery("""
                        INSERT INTO zun_services (host, "binary", availability_zone, last_seen_up, report_count, created_at,
                            updated_at)
                        VALUES ($1, $2, $3, $4, 1, $4, $4)
                        ON CONFLICT (host, "binary") DO UPDATE SET last_seen_up = EXCLUDED.last_seen_up,
                            report_count = zun_services.report_count + 1,
                            availability_zone = EXCLUDED.availability_zone, updated_at = EXCLUDED.updated_at
                        RETURNING *""")
                .execute(Tuple.of(host, binary, zone, now.atOffset(ZoneOffset.UTC)))
                .map(rs -> from(rs.iterator().next()));
    }

    public Future<Optional<ZunService>> find(SqlClient db, String host, String binary) {
        return db.preparedQuery("SELECT * FROM zun_services WHERE host = $1 AND \"binary\" = $2")
                .execute(Tuple.of(host, binary))
                .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(from(rs.iterator().next())));
    }

    public Future<List<ZunService>> list(SqlClient db) {
        return db.query("SELECT * FROM zun_services ORDER BY id").execute().map(rs -> {
            List<ZunService> out = new ArrayList<>();
            rs.forEach(r -> out.add(from(r)));
            return out;
        });
    }

    /** Enables or disables a service; empty if there is no such service. */
    public Future<Optional<ZunService>> setDisabled(SqlClient db, String host, String binary, boolean disabled,
                                                    String reason) {
        return db.preparedQuery("""
                        UPDATE zun_services SET disabled = $3, disabled_reason = $4, updated_at = now()
                        WHERE host = $1 AND "binary" = $2 RETURNING *""")
                .execute(Tuple.of(host, binary, disabled, disabled ? reason : null))
                .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(from(rs.iterator().next())));
    }

    /** Forces a service down (or lifts that); empty if there is no such service. */
    public Future<Optional<ZunService>> setForcedDown(SqlClient db, String host, String binary, boolean down) {
        return db.preparedQuery("""
                        UPDATE zun_services SET forced_down = $3, updated_at = now()
                        WHERE host = $1 AND "binary" = $2 RETURNING *""")
                .execute(Tuple.of(host, binary, down))
                .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(from(rs.iterator().next())));
    }

    /** Removes a service record; whether there was one. */
    public Future<Boolean> delete(SqlClient db, String host, String binary) {
        return db.preparedQuery("DELETE FROM zun_services WHERE host = $1 AND \"binary\" = $2")
                .execute(Tuple.of(host, binary)).map(rs -> rs.rowCount() == 1);
    }

    static ZunService from(Row r) {
        return new ZunService(r.getLong("id"), r.getString("host"), r.getString("binary"),
                r.getBoolean("disabled"), r.getString("disabled_reason"), r.getBoolean("forced_down"),
                ComputeNodeRepository.instant(r.getOffsetDateTime("last_seen_up")), r.getLong("report_count"),
                r.getString("availability_zone"), ComputeNodeRepository.instant(r.getOffsetDateTime("created_at")),
                ComputeNodeRepository.instant(r.getOffsetDateTime("updated_at")));
    }
}
