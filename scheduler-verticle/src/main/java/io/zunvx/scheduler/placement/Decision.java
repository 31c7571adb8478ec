package io.zunvx.scheduler.placement;

/** The outcome of a placement: a host, or why there is none. */
public sealed interface Decision permits Placed, NoValidHost {
}
