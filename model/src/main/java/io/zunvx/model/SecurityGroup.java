package io.zunvx.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A Neutron security group: the set of rules deciding which traffic reaches (ingress) or leaves (egress) the
 * containers whose ports carry it. Traffic not allowed by any rule of any of a port's groups is dropped.
 *
 * @param uuid        the group id
 * @param name        its name ({@code default} for the group every project gets)
 * @param projectId   the owning project
 * @param description free text
 * @param rules       its rules
 * @param revision    bumped at every rule change
 * @param createdAt   creation time
 */
public record SecurityGroup(UUID uuid, String name, String projectId, String description, List<Rule> rules,
                            long revision, Instant createdAt) {
    public static final String DEFAULT = "default";

    public SecurityGroup {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(projectId, "projectId");
        description = description == null ? "" : description;
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    /**
     * One rule. {@code protocol} {@code null} means any; port bounds apply to tcp and udp; a rule names at most one of
     * {@code remoteIpPrefix} and {@code remoteGroupId}, neither meaning anywhere.
     */
    public record Rule(UUID uuid, UUID groupId, String projectId, String direction, String ethertype, String protocol,
                       Integer portMin, Integer portMax, String remoteIpPrefix, UUID remoteGroupId,
                       String description, Instant createdAt) {
        public Rule {
            Objects.requireNonNull(uuid, "uuid");
            Objects.requireNonNull(groupId, "groupId");
            if (!"ingress".equals(direction) && !"egress".equals(direction)) {
                throw new IllegalArgumentException("direction must be ingress or egress");
            }
            description = description == null ? "" : description;
        }

        public boolean ingress() {
            return "ingress".equals(direction);
        }
    }
}
