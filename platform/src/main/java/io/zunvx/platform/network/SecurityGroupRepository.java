package io.zunvx.platform.network;

import io.vertx.core.Future;
import io.zunvx.platform.db.Transactions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.SecurityGroup;
import io.zunvx.model.SecurityGroup.Rule;
import io.zunvx.platform.db.Keyset;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Security groups and their rules. Every project has a group named {@code default}, made on first use with Neutron's
 * default rules: all egress, ingress only from members of the same group. Each rule change bumps the group's
 * {@code revision}, which is how agents notice they must re-apply it.
 */
public final class SecurityGroupRepository {
    private static final String GROUP_COLS = "uuid, name, project_id, description, revision, created_at";
    private static final String RULE_COLS = "uuid, security_group_id, project_id, direction, ethertype, protocol,"
            + " port_range_min, port_range_max, remote_ip_prefix::text AS remote_ip_prefix, remote_group_id,"
            + " description, created_at";

    private final Clock clock;

    public SecurityGroupRepository(Clock clock) {
        this.clock = clock;
    }

    /** The project's {@code default} group, made with Neutron's default rules on first use. */
    public Future<SecurityGroup> defaultGroup(Transactions db, String project) {
        return byName(db.statements(), project, SecurityGroup.DEFAULT).compose(found -> found.isPresent()
                ? Future.succeededFuture(found.get())
                : db.inTransaction(tx -> tx.preparedQuery("INSERT INTO security_groups (" + GROUP_COLS
                                + ") VALUES ($1, 'default', $2, 'Default security group', 0, $3)"
                                + " ON CONFLICT (project_id) WHERE name = 'default' DO NOTHING RETURNING uuid")
                        .execute(Tuple.of(UUID.randomUUID(), project, now()))
                        .compose(rs -> {
                            if (rs.size() == 0) {
                                return Future.<Void>succeededFuture();
                            }
                            UUID g = rs.iterator().next().getUUID("uuid");
                            List<Future<Rule>> rules = new ArrayList<>();
                            for (String eth : List.of("IPv4", "IPv6")) {
                                rules.add(insertRule(tx, g, project, "egress", eth, null, null, null, null, null, ""));
                                rules.add(insertRule(tx, g, project, "ingress", eth, null, null, null, null, g, ""));
                            }
                            return Future.all(rules).<Void>mapEmpty();
                        }))
                        .compose(v -> byName(db.statements(), project, SecurityGroup.DEFAULT)
                                .map(Optional::orElseThrow)));
    }

    public Future<SecurityGroup> create(SqlClient db, String project, String name, String description) {
        UUID g = UUID.randomUUID();
        return db.preparedQuery("INSERT INTO security_groups (" + GROUP_COLS + ") VALUES ($1,$2,$3,$4,0,$5)")
                .execute(Tuple.of(g, name, project, description == null ? "" : description, now()))
                .compose(rs -> {
                    // Neutron gives a new group egress to anywhere.
                    List<Future<Rule>> rules = new ArrayList<>();
                    for (String eth : List.of("IPv4", "IPv6")) {
                        rules.add(insertRule(db, g, project, "egress", eth, null, null, null, null, null, ""));
                    }
                    return Future.all(rules);
                })
                .compose(v -> find(db, g).map(Optional::orElseThrow))
                .recover(err -> Future.failedFuture(NetworkRepository.unique(err)
                        ? NeutronException.conflict("SecurityGroupDefaultAlreadyExists",
                        "Default security group already exists.") : err));
    }

    public Future<Optional<SecurityGroup>> find(SqlClient db, UUID uuid) {
        return list(db, "uuid = $1", Tuple.of(uuid)).map(l -> l.stream().findFirst());
    }

    public Future<Optional<SecurityGroup>> byName(SqlClient db, String project, String name) {
        return list(db, "project_id = $1 AND name = $2", Tuple.of(project, name)).map(l -> l.stream().findFirst());
    }

    /** Groups of {@code project} ({@code null}: all) with their rules. */
    public Future<List<SecurityGroup>> list(SqlClient db, String project) {
        return list(db, "$1::text IS NULL OR project_id = $1", Tuple.of(project));
    }

    /** The groups with these ids, with their rules. */
    public Future<List<SecurityGroup>> withIds(SqlClient db, List<UUID> ids) {
        return list(db, "uuid = ANY($1)", Tuple.of(ids.toArray(UUID[]::new)));
    }

    private Future<List<SecurityGroup>> list(SqlClient db, String where, Tuple args) {
        return db.preparedQuery("SELECT " + GROUP_COLS + " FROM security_groups WHERE " + where + " ORDER BY id")
                .execute(args)
                .compose(rs -> {
                    Map<UUID, Row> groups = new LinkedHashMap<>();
                    rs.forEach(r -> groups.put(r.getUUID("uuid"), r));
                    if (groups.isEmpty()) {
                        return Future.succeededFuture(List.<SecurityGroup>of());
                    }
                    return db.preparedQuery("SELECT " + RULE_COLS + " FROM security_group_rules"
                                    + " WHERE security_group_id = ANY($1) ORDER BY id")
                            .execute(Tuple.of(groups.keySet().toArray(UUID[]::new)))
                            .map(rules -> {
                                Map<UUID, List<Rule>> by = new LinkedHashMap<>();
                                rules.forEach(r -> by.computeIfAbsent(r.getUUID("security_group_id"),
                                        k -> new ArrayList<>()).add(rule(r)));
                                List<SecurityGroup> out = new ArrayList<>();
                                groups.forEach((id, r) -> out.add(new SecurityGroup(id, r.getString("name"),
                                        r.getString("project_id"), r.getString("description"),
                                        by.getOrDefault(id, List.of()), r.getLong("revision"),
                                        Keyset.instant(r.getOffsetDateTime("created_at")))));
                                return out;
                            });
                });
    }

    /** Deletes a group no port uses; one in use fails with Neutron's {@code SecurityGroupInUse} (409). */
    public Future<Void> delete(Transactions db, UUID uuid) {
        return db.inTransaction(tx -> tx.preparedQuery("SELECT 1 FROM ports WHERE security_groups ? $1 LIMIT 1")
                .execute(Tuple.of(uuid.toString()))
                .compose(rs -> rs.size() > 0 ? Future.failedFuture(NeutronException.conflict("SecurityGroupInUse",
                        "Security Group " + uuid + " in use."))
                        : tx.preparedQuery("SELECT 1 FROM security_group_rules WHERE remote_group_id = $1"
                        + " AND security_group_id <> $1 LIMIT 1").execute(Tuple.of(uuid)))
                .compose(rs -> rs.size() > 0 ? Future.failedFuture(NeutronException.conflict("SecurityGroupInUse",
                        "Security Group " + uuid + " in use: other groups' rules name it as their remote group."))
                        : tx.preparedQuery("DELETE FROM security_group_rules WHERE security_group_id = $1")
                        .execute(Tuple.of(uuid)))
                .compose(rs -> tx.preparedQuery("DELETE FROM security_groups WHERE uuid = $1").execute(Tuple.of(uuid)))
                .mapEmpty());
    }

    /** Adds a rule and bumps its group's revision. */
    public Future<Rule> addRule(Transactions db, UUID group, String project, String direction, String ethertype,
                                String protocol, Integer min, Integer max, String remoteIp, UUID remoteGroup,
                                String description) {
        return db.inTransaction(tx -> insertRule(tx, group, project, direction, ethertype, protocol, min, max,
                remoteIp, remoteGroup, description)
                .compose(r -> bump(tx, group).map(r)));
    }

    /** {@link #addRule} inside the caller's transaction (a rule on a group that transaction made, say). */
    public Future<Rule> addRuleIn(SqlClient tx, UUID group, String project, String direction, String ethertype,
                                  String protocol, Integer min, Integer max, String remoteIp) {
        return insertRule(tx, group, project, direction, ethertype, protocol, min, max, remoteIp, null, "")
                .compose(r -> bump(tx, group).map(r));
    }

    public Future<Optional<Rule>> findRule(SqlClient db, UUID uuid) {
        return db.preparedQuery("SELECT " + RULE_COLS + " FROM security_group_rules WHERE uuid = $1")
                .execute(Tuple.of(uuid))
                .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(rule(rs.iterator().next())));
    }

    /** Rules of {@code project}'s groups ({@code null}: all). */
    public Future<List<Rule>> listRules(SqlClient db, String project) {
        return db.preparedQuery("SELECT " + RULE_COLS + " FROM security_group_rules WHERE $1::text IS NULL"
                        + " OR project_id = $1 ORDER BY id").execute(Tuple.of(project))
                .map(rs -> {
                    List<Rule> out = new ArrayList<>();
                    rs.forEach(r -> out.add(rule(r)));
                    return out;
                });
    }

    public Future<Void> deleteRule(Transactions db, Rule rule) {
        return db.inTransaction(tx -> tx.preparedQuery("DELETE FROM security_group_rules WHERE uuid = $1")
                .execute(Tuple.of(rule.uuid()))
                .compose(rs -> bump(tx, rule.groupId())));
    }

    /** A fingerprint of every group's rules: it changes whenever any rule does. */
    public Future<Long> revisions(SqlClient db) {
        return db.query("SELECT COALESCE(SUM(revision), 0) + COUNT(*) AS r FROM security_groups").execute()
                .map(rs -> rs.iterator().next().getLong("r"));
    }

    private Future<Void> bump(SqlClient db, UUID group) {
        return db.preparedQuery("UPDATE security_groups SET revision = revision + 1, updated_at = $2 WHERE uuid = $1")
                .execute(Tuple.of(group, now())).mapEmpty();
    }

    private Future<Rule> insertRule(SqlClient db, UUID group, String project, String direction, String ethertype,
                                    String protocol, Integer min, Integer max, String remoteIp, UUID remoteGroup,
                                    String description) {
        return db.preparedQuery("INSERT INTO security_group_rules (uuid, security_group_id, project_id, direction,"
                        + " ethertype, protocol, port_range_min, port_range_max, remote_ip_prefix, remote_group_id,"
                        + " description, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9::text::cidr,$10,$11,$12)"
                        + " RETURNING " + RULE_COLS)
                .execute(Tuple.of(UUID.randomUUID(), group, project, direction, ethertype, protocol, min, max,
                        remoteIp, remoteGroup, description == null ? "" : description).addValue(now()))
                .map(rs -> rule(rs.iterator().next()));
    }

    private static Rule rule(Row r) {
        return new Rule(r.getUUID("uuid"), r.getUUID("security_group_id"), r.getString("project_id"),
                r.getString("direction"), r.getString("ethertype"), r.getString("protocol"),
                r.getInteger("port_range_min"), r.getInteger("port_range_max"), r.getString("remote_ip_prefix"),
                r.getUUID("remote_group_id"), r.getString("description"),
                Keyset.instant(r.getOffsetDateTime("created_at")));
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }
}
