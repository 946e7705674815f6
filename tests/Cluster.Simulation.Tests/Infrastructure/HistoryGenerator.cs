using Cluster.Core;

namespace Cluster.Simulation.Tests.Infrastructure;

/// <summary>
/// Builds histories from a real sequential execution: operation i takes effect at time 10·i + 5, and its
/// call and return are spread around that point by random windows, so the histories are linearizable
/// by construction (the execution order is a witness) while operations overlap in many ways.
/// </summary>
internal static class HistoryGenerator
{
    public static List<Operation<RegisterInput, RegisterOutput>> Register(RandomSource random, int count, int maxWindow, double unknownChance)
    {
        var history = new List<Operation<RegisterInput, RegisterOutput>>(count);
        long state = 0;
        long nextValue = 1;
        for (var i = 0; i < count; i++)
        {
            var point = (10L * i) + 5;
            var call = point - random.Next(maxWindow + 1);
            var @return = point + random.Next(maxWindow + 1);
            var client = i % 5;
            var roll = random.Next(10);
            if (roll < 5)
            {
                history.Add(Ops.Read(client, state, call, @return));
                continue;
            }

            // Every written value is unique, which the mutations below rely on.
            var value = nextValue++;
            RegisterInput input;
            RegisterOutput output;
            if (roll < 8)
            {
                input = RegisterInput.Write(value);
                output = RegisterOutput.Written;
            }
            else
            {
                var expected = random.Chance(0.5) ? state : state + 1000;
                input = RegisterInput.CompareAndSet(expected, value);
                output = RegisterOutput.CompareAndSetResult(state == expected);
            }

            if (random.Chance(unknownChance))
            {
                // The client never learned the outcome; half of the time the operation really took effect.
                if (random.Chance(0.5))
                {
                    state = new RegisterModel().StepUnknown(state, input);
                }

                history.Add(Operation<RegisterInput, RegisterOutput>.Unknown(client, input, call));
                continue;
            }

            state = new RegisterModel().Step(state, input, output).State;
            history.Add(Operation<RegisterInput, RegisterOutput>.Completed(client, input, output, call, @return));
        }

        return history;
    }

    public static List<Operation<KeyValueInput, KeyValueOutput>> KeyValue(RandomSource random, int count, int keys, int clients, int maxWindow)
    {
        var history = new List<Operation<KeyValueInput, KeyValueOutput>>(count);
        var store = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            // Client i % clients has one operation every 10·clients time units; windows narrower than half of
            // that keep each client's operations sequential, as a real client's are.
            var point = (10L * i) + 5;
            var call = point - random.Next(maxWindow + 1);
            var @return = point + random.Next(maxWindow + 1);
            var client = i % clients;
            var key = $"k{random.Next(keys)}";
            store.TryGetValue(key, out var current);
            var token = $"{i}.";
            switch (random.Next(10))
            {
                case < 5:
                    history.Add(Ops.Get(client, key, current, call, @return));
                    break;
                case < 7:
                    store[key] = token;
                    history.Add(Ops.Put(client, key, token, call, @return));
                    break;
                case < 9:
                    store[key] = current + token;
                    history.Add(Ops.Append(client, key, token, call, @return));
                    break;
                default:
                    store[key] = null;
                    history.Add(Ops.Delete(client, key, call, @return));
                    break;
            }
        }

        return history;
    }

    /// <summary>
    /// Makes a register history certainly non-linearizable: a read that returned before some write was even
    /// called now returns that write's (unique) value; without such a pair, a value nobody wrote.
    /// </summary>
    public static List<Operation<RegisterInput, RegisterOutput>> MutateRegister(RandomSource random, List<Operation<RegisterInput, RegisterOutput>> history)
    {
        var mutated = new List<Operation<RegisterInput, RegisterOutput>>(history);
        var reads = Enumerable.Range(0, history.Count)
            .Where(i => history[i].Input.Kind == RegisterOperationKind.Read && history[i].OutcomeKnown)
            .ToList();
        if (reads.Count == 0)
        {
            mutated.Add(Ops.Read(0, -1, 0, 1));
            return mutated;
        }

        var readIndex = reads[random.Next(reads.Count)];
        var read = history[readIndex];
        var laterWrites = history
            .Where(o => o.Input.Kind != RegisterOperationKind.Read && o.Call > read.Return)
            .ToList();
        var value = laterWrites.Count > 0 ? laterWrites[random.Next(laterWrites.Count)].Input.Value : -1;
        mutated[readIndex] = read with { Output = RegisterOutput.ReadValue(value) };
        return mutated;
    }
}
