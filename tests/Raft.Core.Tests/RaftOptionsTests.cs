using Cluster.Core;

namespace Raft.Core.Tests;

public sealed class RaftOptionsTests
{
    [Test]
    public void Defaults_are_valid_and_named()
    {
        var options = new RaftOptions();
        Assert.Multiple(() =>
        {
            Assert.That(() => options.Validate(), Throws.Nothing);
            Assert.That(options.ElectionTimeoutTicks, Is.EqualTo(RaftOptions.DefaultElectionTimeoutTicks).And.EqualTo(10));
            Assert.That(options.HeartbeatIntervalTicks, Is.EqualTo(1));
            Assert.That(options.PreVote, Is.True);
            Assert.That(options.CheckQuorum, Is.True);
            Assert.That(options.ReadOnlyMode, Is.EqualTo(ReadOnlyMode.ReadIndex));
        });
    }

    private static IEnumerable<TestCaseData> InvalidOptions()
    {
        yield return new TestCaseData(new RaftOptions { ElectionTimeoutTicks = 1 }, nameof(RaftOptions.ElectionTimeoutTicks));
        yield return new TestCaseData(new RaftOptions { HeartbeatIntervalTicks = 0 }, nameof(RaftOptions.HeartbeatIntervalTicks));
        yield return new TestCaseData(new RaftOptions { HeartbeatIntervalTicks = 10 }, nameof(RaftOptions.HeartbeatIntervalTicks));
        yield return new TestCaseData(new RaftOptions { MaxInflightMessages = 0 }, nameof(RaftOptions.MaxInflightMessages));
        yield return new TestCaseData(new RaftOptions { MaxSizePerMessageBytes = 0 }, nameof(RaftOptions.MaxSizePerMessageBytes));
        yield return new TestCaseData(new RaftOptions { MaxInflightBytes = 10, MaxSizePerMessageBytes = 20 }, nameof(RaftOptions.MaxInflightBytes));
        yield return new TestCaseData(new RaftOptions { MaxUncommittedEntriesBytes = 0 }, nameof(RaftOptions.MaxUncommittedEntriesBytes));
        yield return new TestCaseData(new RaftOptions { MaxCommittedBytesPerReady = 0 }, nameof(RaftOptions.MaxCommittedBytesPerReady));
        yield return new TestCaseData(new RaftOptions { SnapshotRetryTicks = 0 }, nameof(RaftOptions.SnapshotRetryTicks));
        yield return new TestCaseData(new RaftOptions { MaxPendingReadRequests = 0 }, nameof(RaftOptions.MaxPendingReadRequests));
        yield return new TestCaseData(new RaftOptions { ReadOnlyMode = (ReadOnlyMode)7 }, nameof(RaftOptions.ReadOnlyMode));
        yield return new TestCaseData(new RaftOptions { ReadOnlyMode = ReadOnlyMode.LeaseBased, CheckQuorum = false }, nameof(RaftOptions.ReadOnlyMode));
        yield return new TestCaseData(new RaftOptions { LeaseClockDriftBoundTicks = 10 }, nameof(RaftOptions.LeaseClockDriftBoundTicks));
        yield return new TestCaseData(new RaftOptions { LeaseClockDriftBoundTicks = -1 }, nameof(RaftOptions.LeaseClockDriftBoundTicks));
    }

    [TestCaseSource(nameof(InvalidOptions))]
    public void An_invalid_option_is_refused_at_construction_naming_the_property(RaftOptions options, string property)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new RaftCore(new NodeId(1), new MemoryRaftLog(), options, new RandomSource(1)));
        Assert.Multiple(() =>
        {
            Assert.That(error!.ParamName, Is.EqualTo(property));
            Assert.That(error.Message, Does.Contain("RaftOptions." + property));
        });
    }

    [Test]
    public void A_core_needs_a_real_identity()
    {
        Assert.That(() => new RaftCore(NodeId.None, new MemoryRaftLog(), new RaftOptions(), new RandomSource(1)), Throws.ArgumentException);
    }
}
