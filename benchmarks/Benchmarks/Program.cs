using Benchmarks.Transport;
using BenchmarkDotNet.Running;

// Temporary dispatcher for the transport comparison; the suite's dispatcher replaces this file.
if (args is ["compare", "transport", ..])
{
    var result = await TransportComparison.RunAsync(quick: args.Contains("--quick"));
    Console.WriteLine(result.ToJson());
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(CodecBenchmarks).Assembly).Run(args);
