using Cluster.Core;
using Cluster.Simulation;
using Haystack.Tests.Infrastructure;

namespace Haystack.Tests.Store;

/// <summary>Writes that arrive together share fsyncs; checked on the simulated disk, whose fsyncs take virtual time.</summary>
public sealed class GroupCommitTests
{
    [Test]
    public void Two_hundred_concurrent_writes_share_a_handful_of_fsyncs()
    {
        var sim = new Simulator(11);
        var flushes = -1;
        var node = sim.AddNode(new NodeId(1), _ => { });
        sim.Run(async () =>
        {
            var storage = new InstrumentedStorage(node.Disk);
            await using var volume = await PhysicalVolume.CreateAsync(storage, 1);
            var before = storage.Flushes;
            await Task.WhenAll(Enumerable.Range(0, 200).Select(i => volume.WriteAsync((ulong)i, 0, 1, new byte[4096])));
            flushes = storage.Flushes - before;
            Assert.That(volume.NeedleCount, Is.EqualTo(200));
        });

        TestContext.Out.WriteLine($"200 concurrent writes took {flushes} fsyncs");
        Assert.That(flushes, Is.InRange(1, 10));
    }
}
