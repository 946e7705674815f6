using BenchmarkDotNet.Attributes;
using Cluster.Core;
using Cluster.Simulation;

namespace Benchmarks.Simulation;

/// <summary>
/// Linearizability checking cost on histories made from a real sequential execution (always linearizable,
/// so the whole search space the memoisation leaves is walked): a key-value store partitioned per key,
/// and one register with wide concurrency windows.
/// </summary>
[MemoryDiagnoser]
public class LinearizabilityBenchmarks
{
    private List<Operation<KeyValueInput, KeyValueOutput>> _keyValue = [];
    private List<Operation<RegisterInput, RegisterOutput>> _register = [];

    /// <summary>Operations in each history.</summary>
    [Params(1000, 5000)]
    public int Operations { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new RandomSource(2026);
        _keyValue = KeyValueHistory(random, Operations, keys: 10, clients: 5);
        _register = RegisterHistory(random, Operations / 5, maxWindow: 60);
    }

    [Benchmark]
    public LinearizabilityVerdict KeyValueTenKeysFiveClients() =>
        LinearizabilityChecker.Check(_keyValue, new KeyValueModel()).Verdict;

    [Benchmark]
    public LinearizabilityVerdict RegisterWideWindows() =>
        LinearizabilityChecker.Check(_register, new RegisterModel()).Verdict;

    private static List<Operation<KeyValueInput, KeyValueOutput>> KeyValueHistory(RandomSource random, int count, int keys, int clients)
    {
        var history = new List<Operation<KeyValueInput, KeyValueOutput>>(count);
        var store = new Dictionary<string, string?>(StringComparer.Ordinal);
        var window = (5 * clients) - 1;
        for (var i = 0; i < count; i++)
        {
            var point = (10L * i) + 5;
            var call = point - random.Next(window);
            var @return = point + random.Next(window);
            var key = $"k{random.Next(keys)}";
            store.TryGetValue(key, out var current);
            var (input, output) = random.Next(3) switch
            {
                0 => (KeyValueInput.Get(key), KeyValueOutput.Found(current)),
                1 => (KeyValueInput.Put(key, $"{i}"), KeyValueOutput.Done),
                _ => (KeyValueInput.Append(key, $"{i}."), KeyValueOutput.Done),
            };
            store[key] = new KeyValueModel().StepUnknown(current, input);
            history.Add(Operation<KeyValueInput, KeyValueOutput>.Completed(i % clients, input, output, call, @return));
        }

        return history;
    }

    private static List<Operation<RegisterInput, RegisterOutput>> RegisterHistory(RandomSource random, int count, int maxWindow)
    {
        var history = new List<Operation<RegisterInput, RegisterOutput>>(count);
        long state = 0;
        for (var i = 0; i < count; i++)
        {
            var point = (10L * i) + 5;
            var call = point - random.Next(maxWindow);
            var @return = point + random.Next(maxWindow);
            if (random.Chance(0.5))
            {
                history.Add(Operation<RegisterInput, RegisterOutput>.Completed(i, RegisterInput.Read(), RegisterOutput.ReadValue(state), call, @return));
            }
            else
            {
                state = i + 1;
                history.Add(Operation<RegisterInput, RegisterOutput>.Completed(i, RegisterInput.Write(state), RegisterOutput.Written, call, @return));
            }
        }

        return history;
    }
}
