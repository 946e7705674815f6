namespace Architecture.Tests;

/// <summary>The solution, the package feed and the central package versions stay as the README promises.</summary>
public sealed class SolutionTests
{
    [Test]
    public void Every_project_is_in_the_solution()
    {
        var solution = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "Libraries.sln")).Replace('\\', '/');
        var missing = RepositoryLayout.AllProjectFiles
            .Select(path => Path.GetRelativePath(RepositoryLayout.Root, path).Replace('\\', '/'))
            .Where(relative => !solution.Contains(relative, StringComparison.Ordinal))
            .ToList();
        Assert.That(missing, Is.Empty, "Add these projects with 'dotnet sln Libraries.sln add'.");
    }

    [Test]
    public void No_project_pins_a_package_version_of_its_own()
    {
        var offenders = RepositoryLayout.AllProjectFiles
            .Where(path => File.ReadAllText(path).Contains("<PackageReference", StringComparison.Ordinal)
                        && System.Xml.Linq.XDocument.Load(path).Descendants("PackageReference").Any(e => e.Attribute("Version") is not null))
            .ToList();
        Assert.That(offenders, Is.Empty, "Versions belong in Directory.Packages.props.");
    }

    [Test]
    public void The_package_feed_is_the_default_one()
    {
        var config = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "nuget.config"));
        Assert.That(config, Does.Not.Contain("://").And.Not.Contain("<clear"), "nuget.config must keep the default feed and name no host.");
    }
}
