package io.zunvx.scheduler.placement;

import static io.zunvx.scheduler.placement.TestHosts.NOW;
import static io.zunvx.scheduler.placement.TestHosts.host;
import static io.zunvx.scheduler.placement.TestHosts.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HostFiltersTest {

    @Nested
    class ServiceEnabled {
        private final ServiceEnabledFilter filter = new ServiceEnabledFilter(Duration.ofSeconds(180));
        private final PlacementRequest req = request().build();

        @Test
        void passesAnEnabledHostWithARecentHeartbeat() {
            assertTrue(filter.passes(host("h").lastSeenUp(NOW.minusSeconds(180)).build(), req, NOW));
        }

        @Test
        void rejectsADisabledHost() {
            assertFalse(filter.passes(host("h").disabled().build(), req, NOW));
        }

        @Test
        void rejectsAForcedDownHost() {
            assertFalse(filter.passes(host("h").forcedDown().build(), req, NOW));
        }

        @Test
        void rejectsAHostWhoseHeartbeatIsTooOld() {
            assertFalse(filter.passes(host("h").lastSeenUp(NOW.minusSeconds(181)).build(), req, NOW));
        }

        @Test
        void rejectsAHostThatNeverReportedAService() {
            assertFalse(filter.passes(host("h").noService().build(), req, NOW));
        }
    }

    @Nested
    class RequestedHost {
        private final RequestedHostFilter filter = new RequestedHostFilter();

        @Test
        void passesOnlyTheRequestedHost() {
            PlacementRequest req = request().requestedHost("h1").build();
            assertTrue(filter.passes(host("h1").build(), req, NOW));
            assertFalse(filter.passes(host("h2").build(), req, NOW));
        }

        @Test
        void hasNothingToCheckWithoutARequestedHost() {
            assertNull(filter.bind(request().build(), NOW));
        }
    }

    @Nested
    class AvailabilityZone {
        private final AvailabilityZoneFilter filter = new AvailabilityZoneFilter();

        @Test
        void passesAHostInTheZone() {
            assertTrue(filter.passes(host("h").zone("az1").build(), request().zone("az1").build(), NOW));
        }

        @Test
        void rejectsAHostInAnotherZone() {
            assertFalse(filter.passes(host("h").zone("az2").build(), request().zone("az1").build(), NOW));
        }

        @Test
        void fallsBackToTheServiceZoneThenToNova() {
            assertTrue(filter.passes(host("h").serviceZone("az3").build(), request().zone("az3").build(), NOW));
            assertTrue(filter.passes(host("h").build(), request().zone("nova").build(), NOW));
            assertFalse(filter.passes(host("h").build(), request().zone("az1").build(), NOW));
        }

        @Test
        void passesAnyHostWithoutARequestedZone() {
            assertTrue(filter.passes(host("h").zone("az9").build(), request().build(), NOW));
        }
    }

    @Nested
    class Cpu {
        @Test
        void passesWhenFreeVcpusCoverTheRequest() {
            CpuFilter filter = new CpuFilter(1.0);
            assertTrue(filter.passes(host("h").cpus(4, 2.0).build(), request().cpu(2.0).build(), NOW));
        }

        @Test
        void rejectsWhenFreeVcpusFallShort() {
            CpuFilter filter = new CpuFilter(1.0);
            assertFalse(filter.passes(host("h").cpus(4, 3.5).build(), request().cpu(1.0).build(), NOW));
        }

        @Test
        void appliesTheAllocationRatio() {
            CpuFilter filter = new CpuFilter(2.0);
            assertTrue(filter.passes(host("h").cpus(4, 7.0).build(), request().cpu(1.0).build(), NOW));
        }

        @Test
        void takesTheLastFractionDespiteRoundingErrors() {
            // 0.1 + 0.2 + 0.3 + 0.3 is slightly more than 0.9 in binary
            HostState h = host("h").cpus(1, 0.1 + 0.2 + 0.3 + 0.3).build();
            assertTrue(new CpuFilter(1.0).passes(h, request().cpu(0.1).build(), NOW));
        }
    }

    @Nested
    class Memory {
        @Test
        void passesWhenFreeMemoryCoversTheRequest() {
            MemoryFilter filter = new MemoryFilter(1.0);
            assertTrue(filter.passes(host("h").memory(2048, 1024).build(), request().memory(1024).build(), NOW));
        }

        @Test
        void rejectsWhenFreeMemoryFallsShort() {
            MemoryFilter filter = new MemoryFilter(1.0);
            assertFalse(filter.passes(host("h").memory(2048, 1025).build(), request().memory(1024).build(), NOW));
        }

        @Test
        void appliesTheAllocationRatio() {
            MemoryFilter filter = new MemoryFilter(1.5);
            assertTrue(filter.passes(host("h").memory(2048, 2048).build(), request().memory(1024).build(), NOW));
        }

        @Test
        void passesAnyHostForAContainerWithoutAMemoryLimit() {
            assertNull(new MemoryFilter(1.0).bind(request().memory(0).build(), NOW));
        }
    }

    @Nested
    class Disk {
        @Test
        void passesWhenFreeDiskCoversTheRequest() {
            assertTrue(new DiskFilter(1.0).passes(host("h").disk(100, 90).build(), request().disk(10).build(), NOW));
        }

        @Test
        void rejectsWhenFreeDiskFallsShort() {
            assertFalse(new DiskFilter(1.0).passes(host("h").disk(100, 91).build(), request().disk(10).build(), NOW));
        }
    }

    @Nested
    class Runtime {
        private final RuntimeFilter filter = new RuntimeFilter();

        @Test
        void passesAHostOfferingTheRuntime() {
            assertTrue(filter.passes(host("h").runtimes("runc", "kata").build(),
                    request().runtime("kata").build(), NOW));
        }

        @Test
        void rejectsAHostWithoutTheRuntime() {
            assertFalse(filter.passes(host("h").runtimes("runc").build(), request().runtime("kata").build(), NOW));
        }

        @Test
        void passesAnyHostWhenNoRuntimeIsAskedFor() {
            assertTrue(filter.passes(host("h").runtimes().build(), request().build(), NOW));
        }
    }

    @Nested
    class CpuPinning {
        private final CpuPinningFilter filter = new CpuPinningFilter();

        @Test
        void passesAPinningHostWithEnoughFreeCpus() {
            HostState h = host("h").cpus(4, 0).pinning(true).pinned(0, 1).build();
            assertTrue(filter.passes(h, request().dedicated().cpu(2).build(), NOW));
        }

        @Test
        void roundsFractionalCpusUp() {
            HostState h = host("h").cpus(4, 0).pinning(true).pinned(0, 1).build();
            assertFalse(filter.passes(h, request().dedicated().cpu(2.5).build(), NOW));
        }

        @Test
        void rejectsAHostWithoutPinning() {
            assertFalse(filter.passes(host("h").pinning(false).build(), request().dedicated().cpu(1).build(), NOW));
        }

        @Test
        void ignoresSharedRequests() {
            assertTrue(filter.passes(host("h").pinning(false).build(), request().cpu(1).build(), NOW));
        }
    }

    @Nested
    class VolumeHost {
        private final VolumeHostFilter filter = new VolumeHostFilter();

        @Test
        void passesOnlyTheHostWhereTheVolumesLive() {
            PlacementRequest req = request().hint(io.zunvx.model.Volume.HOST_HINT, "h1").build();
            assertTrue(filter.passes(host("h1").build(), req, NOW));
            assertFalse(filter.passes(host("h2").build(), req, NOW));
        }

        @Test
        void volumesOnTwoHostsLeaveNoHost() {
            PlacementRequest req = request().hint(io.zunvx.model.Volume.HOST_HINT, "h1,h2").build();
            assertFalse(filter.passes(host("h1").build(), req, NOW));
            assertFalse(filter.passes(host("h2").build(), req, NOW));
        }

        @Test
        void aContainerWithoutExistingVolumesIsNotChecked() {
            assertNull(filter.bind(request().build(), NOW));
        }

        @Test
        void theReasonSaysWhy() {
            assertTrue(new NoValidHost(Map.of(VolumeHostFilter.NAME, 2), 2).reason()
                    .contains("VolumeHostFilter rejected 2 (not the host its volumes live on)"));
        }
    }

    @Nested
    class PortHost {
        private final PortHostFilter filter = new PortHostFilter();

        @Test
        void passesOnlyTheHostThePortsAreBoundTo() {
            PlacementRequest req = request().hint(io.zunvx.model.Port.HOST_HINT, "h2").build();
            assertFalse(filter.passes(host("h1").build(), req, NOW));
            assertTrue(filter.passes(host("h2").build(), req, NOW));
        }

        @Test
        void portsBoundToTwoHostsLeaveNoHostAndAContainerWithoutBoundPortsIsNotChecked() {
            PlacementRequest req = request().hint(io.zunvx.model.Port.HOST_HINT, "h1,h2").build();
            assertFalse(filter.passes(host("h1").build(), req, NOW));
            assertNull(filter.bind(request().hint(io.zunvx.model.Volume.HOST_HINT, "h1").build(), NOW));
        }

        @Test
        void theReasonSaysWhy() {
            assertTrue(new NoValidHost(Map.of(PortHostFilter.NAME, 3), 3).reason()
                    .contains("PortHostFilter rejected 3 (not the host its ports are bound to)"));
        }
    }

    @Nested
    class Label {
        private final LabelFilter filter = new LabelFilter();

        @Test
        void passesAHostWithEveryHintedLabel() {
            HostState h = host("h").labels(Map.of("ssd", "true", "gpu", "t4", "rack", "r1")).build();
            PlacementRequest req = request().hint("label:ssd", "true").hint("label:gpu", "t4").build();
            assertTrue(filter.passes(h, req, NOW));
        }

        @Test
        void rejectsAHostWithADifferentOrMissingLabel() {
            PlacementRequest req = request().hint("label:ssd", "true").build();
            assertFalse(filter.passes(host("h").labels(Map.of("ssd", "false")).build(), req, NOW));
            assertFalse(filter.passes(host("h").build(), req, NOW));
        }

        @Test
        void ignoresHintsThatAreNotLabels() {
            PlacementRequest req = request().hint("same_host", "x").build();
            assertNull(filter.bind(req, NOW));
        }
    }

    @Test
    void everyFilterExplainsItselfByName() {
        FilterScheduler scheduler = new FilterScheduler(SchedulerPolicy.defaults(), 1);
        assertEquals(11, scheduler.filters().size());
        for (HostFilter f : scheduler.filters()) {
            assertEquals(f.explanation(), HostFilter.explanationOf(f.name()));
        }
        assertEquals("RequestedHostFilter", scheduler.filters().getFirst().name());
    }
}
