using Cluster.Core;
using static Raft.Core.Tests.Infrastructure.Msg;

namespace Raft.Core.Tests;

public sealed class QuorumTests
{
    private static NodeId[] Ids(params ulong[] ids) => [.. ids.Select(N)];

    [TestCase(new ulong[] { 5 }, 5UL)]
    [TestCase(new ulong[] { 5, 3 }, 3UL)]
    [TestCase(new ulong[] { 5, 3, 1 }, 3UL)]
    [TestCase(new ulong[] { 5, 4, 1, 1 }, 1UL)]
    [TestCase(new ulong[] { 9, 8, 7, 1, 1 }, 7UL)]
    public void The_committed_value_is_the_largest_held_by_a_majority(ulong[] matches, ulong expected)
    {
        var voters = Ids([.. Enumerable.Range(1, matches.Length).Select(i => (ulong)i)]);
        Assert.That(Quorum.MajorityValue(voters, id => matches[id.Value - 1]), Is.EqualTo(expected));
    }

    [Test]
    public void A_joint_configuration_commits_the_smaller_of_its_halves()
    {
        var configuration = new ConfigurationState { Voters = Ids(1, 2, 4), VotersOutgoing = Ids(1, 2, 3) };
        var match = new Dictionary<ulong, ulong> { [1] = 10, [2] = 4, [3] = 4, [4] = 10 };
        Assert.That(Quorum.JointValue(configuration, id => match[id.Value]), Is.EqualTo(4));
    }

    [Test]
    public void Votes_are_won_lost_or_pending_in_both_halves()
    {
        var joint = new ConfigurationState { Voters = Ids(1, 2, 4), VotersOutgoing = Ids(1, 2, 3) };
        Assert.Multiple(() =>
        {
            Assert.That(Quorum.JointVote(joint, id => id.Value is 1 or 4 ? true : null), Is.EqualTo(VoteResult.Pending));
            Assert.That(Quorum.JointVote(joint, id => id.Value is 1 or 2 ? true : null), Is.EqualTo(VoteResult.Won));
            Assert.That(Quorum.JointVote(joint, id => id.Value is 2 or 3 ? false : true), Is.EqualTo(VoteResult.Lost));
            Assert.That(Quorum.MajorityVote(Ids(1, 2, 3), id => id.Value == 1 ? true : id.Value == 2 ? false : null), Is.EqualTo(VoteResult.Pending));
        });
    }

    [Test]
    public void Configuration_changes_follow_the_single_server_and_joint_rules()
    {
        var start = ConfigurationState.Create(Ids(1, 2, 3));
        var added = ConfigurationChanger.Apply(start, ConfigChange.AddVoter(N(4)));
        var demoteAndAdd = new ConfigChange { Items = [new(ConfigChangeType.AddLearner, N(3)), new(ConfigChangeType.AddVoter, N(4))] };
        var joint = ConfigurationChanger.Apply(start, demoteAndAdd);
        var left = ConfigurationChanger.Apply(joint, ConfigChange.LeaveJoint());
        Assert.Multiple(() =>
        {
            Assert.That(added, Is.EqualTo(ConfigurationState.Create(Ids(1, 2, 3, 4))));
            Assert.That(joint.IsJoint, Is.True);
            Assert.That(joint.AutoLeave, Is.True);
            Assert.That(joint.LearnersNext, Is.EqualTo(Ids(3)), "an outgoing voter becomes a learner only when the joint configuration is left");
            Assert.That(left, Is.EqualTo(ConfigurationState.Create(Ids(1, 2, 4), Ids(3))));
            Assert.That(() => ConfigurationChanger.Apply(start, ConfigChange.LeaveJoint()), Throws.InvalidOperationException);
            Assert.That(() => ConfigurationChanger.Apply(joint, ConfigChange.AddVoter(N(5))), Throws.InvalidOperationException);
            Assert.That(ConfigurationChanger.Apply(start, new ConfigChange { Items = [new(ConfigChangeType.AddVoter, N(4))], Transition = ConfigChangeTransition.JointExplicit }).AutoLeave,
                Is.False);
        });
    }

    [Test]
    public void Inflights_are_bounded_by_count_and_bytes_and_freed_by_index()
    {
        var inflights = new Inflights(maxCount: 3, maxBytes: 250);
        inflights.Add(1, 100);
        inflights.Add(2, 100);
        Assert.That(inflights.IsFull, Is.False);
        inflights.Add(3, 100);
        Assert.That(inflights.IsFull, Is.True);
        Assert.That(() => inflights.Add(4, 1), Throws.TypeOf<RaftInvariantException>());
        inflights.FreeTo(2);
        Assert.Multiple(() =>
        {
            Assert.That(inflights.Count, Is.EqualTo(1));
            Assert.That(inflights.Bytes, Is.EqualTo(100));
        });
    }

    [Test]
    public void A_stale_rejection_does_not_move_a_probe_back()
    {
        var progress = new Progress(next: 10, maxInflightMessages: 4, maxInflightBytes: 1000, isLearner: false) { Match = 3 };
        Assert.Multiple(() =>
        {
            Assert.That(progress.MaybeDecreaseTo(rejected: 5, hint: 4), Is.False, "the rejection is for an older probe");
            Assert.That(progress.MaybeDecreaseTo(rejected: 9, hint: 2), Is.True);
            Assert.That(progress.Next, Is.EqualTo(4), "never below Match + 1");
        });
    }
}
