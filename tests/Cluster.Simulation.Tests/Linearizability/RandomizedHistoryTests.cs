using Cluster.Core;
using Cluster.Simulation.Tests.Infrastructure;

namespace Cluster.Simulation.Tests.Linearizability;

public sealed class RandomizedHistoryTests
{
    private const int Seeds = 150;

    [Test]
    public void Histories_from_a_real_sequential_execution_are_always_linearizable()
    {
        for (var seed = 1UL; seed <= Seeds; seed++)
        {
            var random = new RandomSource(seed);
            var history = HistoryGenerator.Register(random, count: 40 + random.Next(40), maxWindow: 5 + random.Next(40), unknownChance: 0.1);

            var result = LinearizabilityChecker.Check(history, new RegisterModel());

            Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok), $"seed {seed}: {result}");
        }
    }

    [Test]
    public void Mutated_histories_are_always_illegal()
    {
        for (var seed = 1UL; seed <= Seeds; seed++)
        {
            var random = new RandomSource(seed);
            var history = HistoryGenerator.Register(random, count: 40 + random.Next(40), maxWindow: 5 + random.Next(40), unknownChance: 0.1);
            var mutated = HistoryGenerator.MutateRegister(random, history);

            var result = LinearizabilityChecker.Check(mutated, new RegisterModel());

            Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Illegal), $"seed {seed}: {result}");
        }
    }

    [Test]
    public void Key_value_histories_from_a_real_execution_are_always_linearizable_and_a_foreign_value_breaks_them()
    {
        for (var seed = 1UL; seed <= Seeds; seed++)
        {
            var random = new RandomSource(seed);
            var history = HistoryGenerator.KeyValue(random, count: 120, keys: 3, clients: 4, maxWindow: 19);

            var result = LinearizabilityChecker.Check(history, new KeyValueModel());
            Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok), $"seed {seed}: {result}");

            var gets = Enumerable.Range(0, history.Count).Where(i => history[i].Input.Kind == KeyValueOperationKind.Get).ToList();
            var target = gets[random.Next(gets.Count)];
            history[target] = history[target] with { Output = KeyValueOutput.Found("never-written") };
            var broken = LinearizabilityChecker.Check(history, new KeyValueModel());
            Assert.That(broken.Verdict, Is.EqualTo(LinearizabilityVerdict.Illegal), $"seed {seed}: {broken}");
        }
    }
}
