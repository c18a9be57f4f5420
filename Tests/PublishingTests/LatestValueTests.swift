import Publishing
import Testing

@Suite struct LatestValueTests {
    @Test func currentIsTheLastPublished() {
        let value = LatestValue(1)
        #expect(value.current == 1)
        value.publish(2)
        value.update { $0 += 10 }
        #expect(value.current == 12)
        #expect(value.version == 2)
    }

    @Test func aReaderGetsTheValueNowThenEachNewerOne() async {
        let value = LatestValue(0)
        var iterator = value.updates.makeAsyncIterator()
        #expect(await iterator.next() == 0)
        value.publish(1)
        #expect(await iterator.next() == 1)
        let reader = Task { await iterator.next() }
        // The reader waits for the next publication.
        while value.version < 2 {
            await Task.yield()
            value.publish(2)
        }
        #expect(await reader.value == 2)
    }

    @Test func aSlowReaderSkipsToTheLatest() async {
        let value = LatestValue("a")
        var iterator = value.updates.makeAsyncIterator()
        #expect(await iterator.next() == "a")
        for letter in ["b", "c", "d"] { value.publish(letter) }
        #expect(await iterator.next() == "d")
    }

    @Test func finishEndsEveryReader() async {
        let value = LatestValue(0)
        let reader = Task {
            var seen: [Int] = []
            for await number in value.updates { seen.append(number) }
            return seen
        }
        while value.version == 0 {
            await Task.yield()
            value.publish(1)
        }
        value.finish()
        let seen = await reader.value
        #expect(seen.last == 1)
        #expect(value.current == 1)
    }

    @Test func cancellingAReaderEndsItsSequence() async {
        let value = LatestValue(0)
        let reader = Task {
            var count = 0
            for await _ in value.updates { count += 1 }
            return count
        }
        try? await Task.sleep(for: .milliseconds(20))
        reader.cancel()
        #expect(await reader.value <= 1)
        // Publishing after the reader left wakes nobody and never blocks.
        value.publish(5)
        #expect(value.current == 5)
    }
}
