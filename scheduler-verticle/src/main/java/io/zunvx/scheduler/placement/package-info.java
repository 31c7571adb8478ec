/**
 * Placement: which compute host a container goes to.
 *
 * <p>{@link io.zunvx.scheduler.placement.FilterScheduler#place} is a pure function of a {@link
 * io.zunvx.scheduler.placement.Snapshot}, a {@link io.zunvx.scheduler.placement.PlacementRequest} and the current
 * instant: feasibility filters first (recording which one rejected each host), then weighers rank the hosts that are
 * left. Nothing here does I/O or keeps time; the verticle around it owns the snapshot, claims resources in the
 * database and applies the claim back to the snapshot.
 */
package io.zunvx.scheduler.placement;
