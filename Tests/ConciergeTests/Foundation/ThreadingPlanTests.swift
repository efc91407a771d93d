import Foundation
import Testing

@testable import concierge

/// How `concierge` lays out its threads for the CPUs it may use (`CONCIERGE_EXECUTOR`, CPU affinity).
@Suite struct ThreadingPlanTests {
    @Test func autoRunsTasksOnTheEventLoopOnlyWithOneCPU() throws {
        #expect(try ThreadingPlan.decide(setting: nil, loopCountOverride: nil, cpus: 1) == ThreadingPlan(eventLoops: 1, executor: .eventLoop))
        #expect(try ThreadingPlan.decide(setting: "auto", loopCountOverride: nil, cpus: 2) == ThreadingPlan(eventLoops: 2, executor: .pool))
        #expect(try ThreadingPlan.decide(setting: "AUTO", loopCountOverride: nil, cpus: 16) == ThreadingPlan(eventLoops: 16, executor: .pool))
    }

    @Test func anExplicitExecutorWinsOverTheCPUCount() throws {
        #expect(try ThreadingPlan.decide(setting: "event-loop", loopCountOverride: nil, cpus: 4) == ThreadingPlan(eventLoops: 4, executor: .eventLoop))
        #expect(try ThreadingPlan.decide(setting: "pool", loopCountOverride: nil, cpus: 1) == ThreadingPlan(eventLoops: 1, executor: .pool))
    }

    @Test func nioLoopCountVariableOverridesTheLoops() throws {
        #expect(try ThreadingPlan.decide(setting: nil, loopCountOverride: "3", cpus: 1) == ThreadingPlan(eventLoops: 3, executor: .eventLoop))
        #expect(try ThreadingPlan.decide(setting: nil, loopCountOverride: "not a number", cpus: 2).eventLoops == 2)
    }

    @Test func anUnknownExecutorIsAnErrorThatNamesTheChoices() {
        #expect {
            try ThreadingPlan.decide(setting: "threads", loopCountOverride: nil, cpus: 2)
        } throws: { error in
            String(describing: error).contains("auto, event-loop or pool") && String(describing: error).contains("threads")
        }
    }

    /// The affinity mask read through `sched_getaffinity` agrees with the kernel's own account in /proc.
    @Test func affinityMatchesTheKernelsCPUsAllowedList() throws {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") })
        let list = line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)
        let allowed = list.split(separator: ",").reduce(0) { count, range in
            let bounds = range.split(separator: "-").compactMap { Int($0) }
            return count + (bounds.count == 2 ? bounds[1] - bounds[0] + 1 : 1)
        }
        #expect(ThreadingTuning.affinityCPUs() == allowed)
    }
}
