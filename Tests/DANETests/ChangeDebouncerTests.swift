import Testing

@testable import DANE

/// The debounce decision with made-up instants (no sleeping).
@Suite struct ChangeDebouncerTests {
    @Test func quietPeriodAndMaximumDelay() {
        let start = ContinuousClock.now
        func at(_ ms: Int) -> ContinuousClock.Instant { start + .milliseconds(ms) }
        var debouncer = ChangeDebouncer(quiet: .milliseconds(200), maximumDelay: .milliseconds(1000))
        #expect(debouncer.deadline == nil)
        #expect(!debouncer.isDue(at: at(10_000)))

        debouncer.note(at: at(0))
        #expect(debouncer.deadline == at(200))
        debouncer.note(at: at(150))  // the burst goes on: wait again
        #expect(!debouncer.isDue(at: at(200)))
        #expect(debouncer.isDue(at: at(350)))

        // A burst that never goes quiet is still reported after the maximum delay.
        for ms in stride(from: 300, through: 1000, by: 100) { debouncer.note(at: at(ms)) }
        #expect(debouncer.deadline == at(1000))
        #expect(debouncer.isDue(at: at(1000)))

        debouncer.reset()
        #expect(debouncer.deadline == nil)
        debouncer.note(at: at(5000))
        #expect(debouncer.deadline == at(5200))
    }
}
