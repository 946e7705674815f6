namespace MicroSvg.Tests.Passes;

/// <summary>
/// Fixture pairs per pass (<c>Fixtures/pass.case.svg</c> and <c>.expected.svg</c>): the pass alone must
/// turn the input into the expected output, and running it again must change nothing. Set
/// <c>MICROSVG_REGENERATE_FIXTURES=1</c> to rewrite the expected files after reviewing a change.
/// </summary>
[TestFixture]
public sealed class PassFixtureTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static IEnumerable<TestCaseData> Cases() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures"), "*.svg")
            .Where(f => !f.EndsWith(".expected.svg", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(Path.GetFileNameWithoutExtension(f)).SetName(Path.GetFileNameWithoutExtension(f)));

    [TestCaseSource(nameof(Cases))]
    public void Pass_turns_input_into_expected_output_and_is_idempotent(string fixture)
    {
        var pass = fixture[..fixture.IndexOf('.', StringComparison.Ordinal)];
        var input = File.ReadAllText(Path.Combine(Folder, fixture + ".svg"));
        var once = SvgMinifier.RunPasses(input, SvgMinifierOptions.Default, pass);
        var twice = SvgMinifier.RunPasses(once, SvgMinifierOptions.Default, pass);
        var expectedPath = Path.Combine(Folder, fixture + ".expected.svg");
        if (Environment.GetEnvironmentVariable("MICROSVG_REGENERATE_FIXTURES") == "1")
        {
            var source = Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "Fixtures", fixture + ".expected.svg");
            File.WriteAllText(source, once + "\n");
        }

        Assert.That(File.Exists(expectedPath), Is.True, $"Missing {expectedPath}");
        Assert.Multiple(() =>
        {
            Assert.That(once, Is.EqualTo(File.ReadAllText(expectedPath).TrimEnd('\n')), "first run");
            Assert.That(twice, Is.EqualTo(once), "second run must change nothing");
        });
    }

    [Test]
    public void Every_pass_has_a_fixture()
    {
        var covered = Cases().Select(c => ((string)c.Arguments[0]!).Split('.')[0]).ToHashSet(StringComparer.Ordinal);
        var optionOnly = new[] { "removeScripts", "removeForeignObjects", "removeViewBox" };
        var missing = SvgMinifier.DefaultPasses.Select(p => p.Name).Where(n => !covered.Contains(n) && !optionOnly.Contains(n));
        Assert.That(missing, Is.Empty);
    }
}
