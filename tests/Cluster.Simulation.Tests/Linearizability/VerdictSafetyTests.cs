using Cluster.Core;
using Cluster.Simulation.Tests.Infrastructure;

namespace Cluster.Simulation.Tests.Linearizability;

using static Ops;

public sealed class VerdictSafetyTests
{
    private static List<Operation<RegisterInput, RegisterOutput>> LongHistory() =>
        HistoryGenerator.Register(new RandomSource(7), count: 3000, maxWindow: 10, unknownChance: 0);

    [Test]
    public void A_tiny_budget_gives_Unknown_which_is_not_Ok()
    {
        var result = LinearizabilityChecker.Check(LongHistory(), new RegisterModel(), new LinearizabilityCheckerOptions { MaxExploredStates = 10 });

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Unknown));
        Assert.That(result.IsLinearizable, Is.False);
        Assert.That(result.Counterexample, Is.Null);
        Assert.That(result.UnknownReason, Does.Contain("budget"));
        Assert.That(result.ToString(), Does.StartWith("Unknown"));
    }

    [Test]
    public void The_same_history_with_the_default_budget_is_Ok()
    {
        var result = LinearizabilityChecker.Check(LongHistory(), new RegisterModel());

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok), result.ToString());
        Assert.That(result.ExploredStates, Is.GreaterThanOrEqualTo(3000));
    }

    [Test]
    public void A_passed_deadline_gives_Unknown()
    {
        var options = new LinearizabilityCheckerOptions
        {
            Timeout = TimeSpan.FromSeconds(1),
            TimeProvider = new SteppingTimeProvider(TimeSpan.FromSeconds(10)),
        };

        var result = LinearizabilityChecker.Check(LongHistory(), new RegisterModel(), options);

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Unknown));
        Assert.That(result.UnknownReason, Does.Contain("timeout"));
    }

    [Test]
    public void Cancellation_gives_Unknown()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        var result = LinearizabilityChecker.Check(LongHistory(), new RegisterModel(), cancellationToken: cancellation.Token);

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Unknown));
        Assert.That(result.UnknownReason, Is.EqualTo("cancelled"));
    }

    [Test]
    public void EnsureLinearizable_throws_distinct_exceptions_for_Unknown_and_Illegal()
    {
        var unknown = LinearizabilityChecker.Check(LongHistory(), new RegisterModel(), new LinearizabilityCheckerOptions { MaxExploredStates = 10 });
        var illegal = CheckRegister(Write(1, 1, 0, 1), Read(2, 0, 2, 3));

        Assert.That(() => unknown.EnsureLinearizable(), Throws.TypeOf<LinearizabilityCheckInconclusiveException>().With.Message.Contains("INCONCLUSIVE"));
        Assert.That(() => illegal.EnsureLinearizable(), Throws.TypeOf<NonLinearizableHistoryException>().With.Message.Contains("NOT linearizable"));
    }

    [Test]
    public void The_default_verdict_is_Unknown_not_Ok()
    {
        Assert.That(default(LinearizabilityVerdict), Is.EqualTo(LinearizabilityVerdict.Unknown));
    }

    [Test]
    public void Options_reject_non_positive_limits_naming_the_property()
    {
        Assert.That(() => new LinearizabilityCheckerOptions { MaxExploredStates = 0 }, Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("MaxExploredStates"));
        Assert.That(() => new LinearizabilityCheckerOptions { Timeout = TimeSpan.Zero }, Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Timeout"));
        Assert.That(new LinearizabilityCheckerOptions { Timeout = Timeout.InfiniteTimeSpan }.Timeout, Is.EqualTo(Timeout.InfiniteTimeSpan));
    }
}
