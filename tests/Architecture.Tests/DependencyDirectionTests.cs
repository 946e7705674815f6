namespace Architecture.Tests;

/// <summary>
/// The layer map of docs/architecture.md as data: each library and the libraries it may depend on.
/// A new library must be added here, which makes its place in the map a reviewed decision.
/// </summary>
public sealed class DependencyDirectionTests
{
    private static readonly Dictionary<string, string[]> AllowedLibraryDependencies = new(StringComparer.Ordinal)
    {
        ["Cluster.Core"] = [],
        ["Cluster.Simulation"] = ["Cluster.Core"],
        ["Raft.Core"] = ["Cluster.Core"],
        ["Chubby"] = ["Cluster.Core", "Raft.Core"],
        ["Gfs"] = ["Cluster.Core", "Raft.Core", "Chubby"],
        ["BigTable"] = ["Cluster.Core", "Raft.Core", "Chubby", "Gfs"],
        ["Haystack"] = ["Cluster.Core", "Raft.Core"],
        ["MicroSvg"] = [],
    };

    /// <summary>Packages a library may take; comparison peers (DotNext, RocksDB, …) belong to benchmarks only.</summary>
    private static readonly HashSet<string> AllowedLibraryPackages = new(StringComparer.OrdinalIgnoreCase)
    {
        "MessagePack",
        "Microsoft.Extensions.Logging.Abstractions",
        "Microsoft.CodeAnalysis.BannedApiAnalyzers",
    };

    public static IEnumerable<string> Libraries => RepositoryLayout.LibraryNames;

    [Test]
    public void The_repository_has_libraries() =>
        Assert.That(Libraries, Does.Contain("Cluster.Core").And.Contain("Cluster.Simulation"));

    [TestCaseSource(nameof(Libraries))]
    public void Library_is_placed_in_the_layer_map(string library) =>
        Assert.That(AllowedLibraryDependencies, Does.ContainKey(library),
            $"{library} is not in the layer map; add it to AllowedLibraryDependencies and docs/architecture.md.");

    [TestCaseSource(nameof(Libraries))]
    public void Library_depends_only_on_lower_layers(string library)
    {
        var references = RepositoryLayout.ProjectReferences(RepositoryLayout.LibraryProject(library));
        var allowed = AllowedLibraryDependencies.GetValueOrDefault(library, []);
        Assert.That(references.Except(allowed), Is.Empty,
            $"{library} references a library outside its allowed lower layers ({string.Join(", ", allowed)}).");
    }

    [TestCaseSource(nameof(Libraries))]
    public void Library_takes_no_peer_or_test_package(string library)
    {
        var packages = RepositoryLayout.PackageReferences(RepositoryLayout.LibraryProject(library));
        Assert.That(packages.Where(p => !AllowedLibraryPackages.Contains(p)), Is.Empty,
            $"{library} references a package outside the library allow-list; peers and test tools belong to benchmarks and tests.");
    }

    [TestCaseSource(nameof(Libraries))]
    public void Library_has_a_test_project_and_a_readme(string library)
    {
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(Path.Combine(RepositoryLayout.Root, "tests", library + ".Tests", library + ".Tests.csproj")), Is.True,
                $"tests/{library}.Tests is missing.");
            Assert.That(File.Exists(Path.Combine(RepositoryLayout.Root, "libs", library, "README.md")), Is.True,
                $"libs/{library}/README.md (the package readme) is missing.");
        });
    }

    [Test]
    public void The_map_itself_points_only_downwards()
    {
        // A cycle in the allowed map would let two libraries lean on each other; walk it to prove none exists.
        foreach (var library in AllowedLibraryDependencies.Keys)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<string>(AllowedLibraryDependencies[library]);
            while (stack.TryPop(out var next))
            {
                Assert.That(next, Is.Not.EqualTo(library), $"{library} can reach itself through the layer map.");
                if (seen.Add(next))
                {
                    foreach (var dep in AllowedLibraryDependencies.GetValueOrDefault(next, []))
                    {
                        stack.Push(dep);
                    }
                }
            }
        }
    }
}
