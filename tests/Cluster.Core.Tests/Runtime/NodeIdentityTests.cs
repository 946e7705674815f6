namespace Cluster.Core.Tests.Runtime;

public sealed class NodeIdentityTests
{
    [TestCase("n3", 3UL)]
    [TestCase("17", 17UL)]
    public void Identities_parse_from_both_forms(string text, ulong expected) =>
        Assert.That(NodeId.Parse(text), Is.EqualTo(new NodeId(expected)));

    [TestCase("")]
    [TestCase("n")]
    [TestCase("n0")]
    [TestCase("x3")]
    [TestCase("n-1")]
    [TestCase("n 1")]
    public void Bad_identities_are_refused_with_the_expected_form(string text) =>
        Assert.That(() => NodeId.Parse(text), Throws.TypeOf<FormatException>().With.Message.Contains("n3"));

    [Test]
    public void Identities_format_and_order()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new NodeId(4).ToString(), Is.EqualTo("n4"));
            Assert.That(NodeId.None.ToString(), Is.EqualTo("none"));
            Assert.That(new NodeId(2) < new NodeId(10), Is.True);
            Assert.That(NodeId.None.IsNone, Is.True);
        });
    }

    [Test]
    public void Addresses_round_trip_through_text()
    {
        var address = new NodeAddress(new NodeId(2), "127.0.0.1", 7002);
        Assert.That(NodeAddress.Parse(address.ToString()), Is.EqualTo(address));
    }

    [TestCase("127.0.0.1:80")]
    [TestCase("n1@host")]
    [TestCase("n1@host:")]
    [TestCase("n1@host:99999")]
    [TestCase("n0@host:80")]
    public void Bad_addresses_are_refused(string text) =>
        Assert.That(() => NodeAddress.Parse(text), Throws.InstanceOf<FormatException>().Or.InstanceOf<ArgumentException>());

    [Test]
    public void An_address_needs_a_real_node() =>
        Assert.That(() => new NodeAddress(NodeId.None, "localhost", 1), Throws.ArgumentException);

    [Test]
    public void Invariants_fail_fast_with_the_condition_text()
    {
        var value = 3;
        Assert.That(() => Invariant.Check(value == 4, "value must be four"),
            Throws.TypeOf<InvariantViolationException>().With.Message.Contains("value == 4").And.Message.Contains("value must be four"));
    }
}
