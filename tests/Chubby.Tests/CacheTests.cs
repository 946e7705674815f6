using static Chubby.Tests.ChubbySimCell;

namespace Chubby.Tests;

/// <summary>The client cache (Chubby §2.5): served while safe, invalidated (never updated) before a change commits.</summary>
public sealed class CacheTests
{
    [Test]
    public void CachedContents_AreInvalidatedBeforeAChangeIsAcknowledged()
    {
        var cell = new ChubbySimCell(31);
        cell.WaitForMaster();
        var reader = cell.AddClient().Client;
        var writer = cell.AddClient().Client;
        cell.Run(async () =>
        {
            var mine = await writer.OpenAsync(Path("config"), OpenFlags.Create, contents: Bytes("v1"));
            var cached = await reader.OpenAsync(Path("config"));
            Assert.That(Text((await cached.GetContentsAndStatAsync()).Contents), Is.EqualTo("v1"));
            var hits = reader.CacheHits;
            Assert.That(Text((await cached.GetContentsAndStatAsync()).Contents), Is.EqualTo("v1"));
            Assert.That(reader.CacheHits, Is.EqualTo(hits + 1), "the second read came from the cache");

            await mine.SetContentsAsync(Bytes("v2"));

            // The write was acknowledged only after the reader dropped its copy, so even an immediate read is fresh.
            Assert.That(Text((await cached.GetContentsAndStatAsync()).Contents), Is.EqualTo("v2"));
        });
    }

    [Test]
    public void Absence_IsCached_AndInvalidatedWhenTheNodeIsCreated()
    {
        var cell = new ChubbySimCell(32);
        cell.WaitForMaster();
        var reader = cell.AddClient().Client;
        var writer = cell.AddClient().Client;
        cell.Run(async () =>
        {
            await Expect.ErrorAsync(ChubbyErrorCode.NotFound, () => reader.OpenAsync(Path("later")));
            var hits = reader.CacheHits;
            await Expect.ErrorAsync(ChubbyErrorCode.NotFound, () => reader.OpenAsync(Path("later")));
            Assert.That(reader.CacheHits, Is.EqualTo(hits + 1), "the absence came from the cache");
            await writer.OpenAsync(Path("later"), OpenFlags.Create, contents: Bytes("here"));
            var found = await reader.OpenAsync(Path("later"));
            Assert.That(Text((await found.GetContentsAndStatAsync()).Contents), Is.EqualTo("here"));
        });
    }

    [Test]
    public void AClientThatStopsAnswering_DelaysAChange_OnlyUntilItsLeaseEnds()
    {
        var cell = new ChubbySimCell(33);
        cell.WaitForMaster();
        var reader = cell.AddClient();
        var writer = cell.AddClient().Client;
        var handle = cell.Run(async () =>
        {
            var h = await writer.OpenAsync(Path("f"), OpenFlags.Create, contents: Bytes("v1"));
            await (await reader.Client.OpenAsync(Path("f"))).GetContentsAndStatAsync();
            return h;
        });
        reader.Simulated.Crash();
        var start = cell.Simulator.Now;
        cell.Run(() => handle.SetContentsAsync(Bytes("v2")));
        var waited = cell.Simulator.Now - start;
        TestContext.Out.WriteLine($"the write waited {waited.TotalSeconds:F2} s for the silent cacher");
        Assert.That(waited, Is.LessThanOrEqualTo(cell.ServerOptions.Lease + TimeSpan.FromSeconds(1)));
    }
}
