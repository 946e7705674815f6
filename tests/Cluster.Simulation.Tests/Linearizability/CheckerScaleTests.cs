using Cluster.Core;
using Cluster.Simulation.Tests.Infrastructure;

namespace Cluster.Simulation.Tests.Linearizability;

public sealed class CheckerScaleTests
{
    [Test]
    public void A_thousand_operations_on_ten_keys_from_five_clients_check_Ok_within_the_default_budget()
    {
        var history = HistoryGenerator.KeyValue(new RandomSource(2026), count: 1000, keys: 10, clients: 5, maxWindow: 24);

        var result = LinearizabilityChecker.Check(history, new KeyValueModel());

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok), result.ToString());
        Assert.That(result.PartitionCount, Is.EqualTo(10));
    }

    [Test]
    public void Wide_concurrency_on_one_register_checks_Ok_within_the_default_budget()
    {
        // Windows of up to ±100 time units put about twenty operations in flight at once.
        var history = HistoryGenerator.Register(new RandomSource(99), count: 400, maxWindow: 100, unknownChance: 0.02);

        var result = LinearizabilityChecker.Check(history, new RegisterModel());

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok), result.ToString());
    }
}
