using System.Xml.Linq;

namespace Architecture.Tests;

/// <summary>Finds the repository root and reads its project files.</summary>
internal static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    public static IEnumerable<string> LibraryNames =>
        Directory.EnumerateDirectories(Path.Combine(Root, "libs"))
            .Where(dir => File.Exists(Path.Combine(dir, Path.GetFileName(dir) + ".csproj")))
            .Select(Path.GetFileName)
            .Select(name => name!)
            .Order(StringComparer.Ordinal);

    public static IEnumerable<string> AllProjectFiles =>
        new[] { "libs", "tests", "samples", "benchmarks" }
            .Select(folder => Path.Combine(Root, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.csproj", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !path.Contains($"{Path.DirectorySeparatorChar}node_modules{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    public static string LibraryProject(string name) => Path.Combine(Root, "libs", name, name + ".csproj");

    /// <summary>Names of the projects a csproj references (file names without extension).</summary>
    public static IReadOnlyList<string> ProjectReferences(string csproj) =>
        XDocument.Load(csproj).Descendants("ProjectReference")
            .Select(element => Path.GetFileNameWithoutExtension(element.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();

    /// <summary>Ids of the packages a csproj references.</summary>
    public static IReadOnlyList<string> PackageReferences(string csproj) =>
        XDocument.Load(csproj).Descendants("PackageReference")
            .Select(element => element.Attribute("Include")!.Value)
            .ToList();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Libraries.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Libraries.sln not found above the test folder.");
    }
}
