namespace Cluster.Core.Tests.Infrastructure;

/// <summary>A fresh <see cref="DiskFileStorage"/> over a temporary folder for each test, removed afterwards.</summary>
public abstract class DiskStorageFixture
{
    private TemporaryFolder _folder = null!;

    protected string FolderPath => _folder.Path;

    protected DiskFileStorage Storage { get; private set; } = null!;

    [SetUp]
    public void CreateStorage()
    {
        _folder = new TemporaryFolder();
        Storage = new DiskFileStorage(_folder.Path);
    }

    [TearDown]
    public void RemoveStorage() => _folder.Dispose();
}
