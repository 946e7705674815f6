using BenchmarkDotNet.Running;
using Benchmarks;

// Two modes (see docs/architecture.md, "Benchmarks contract"):
//   compare NAME [--quick]   side-by-side comparison against a peer; last line is one JSON object
//   compare list             the available comparison names
//   chubby-replica ...       one replica of a Chubby cell (started by 'compare etcd', not by hand)
//   anything else            BenchmarkDotNet (e.g. --filter '*Codec*')
if (args.Length > 0 && args[0] == "compare")
{
    return await Comparisons.RunAsync(args[1..]);
}

// Started by 'compare etcd': one replica of our Chubby cell in a process of its own, as each etcd member is.
if (args.Length > 0 && args[0] == Benchmarks.Etcd.ChubbyReplicaHost.Mode)
{
    return await Benchmarks.Etcd.ChubbyReplicaHost.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Comparisons).Assembly).Run(args);
return 0;
