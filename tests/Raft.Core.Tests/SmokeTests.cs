using Raft.Core.Tests.Infrastructure;

namespace Raft.Core.Tests;

public sealed class SmokeTests
{
    [Test]
    public void Three_nodes_elect_a_leader_and_replicate()
    {
        var net = new TestNetwork(1, 2, 3);
        net.Campaign(1);
        Assert.That(net[1].Core.Role, Is.EqualTo(RaftRole.Leader));
        net.Propose(1, "x");
        foreach (var node in net.Nodes.Values)
        {
            Assert.That(node.StateMachine, Is.EqualTo(new[] { "x" }));
        }
    }
}
