using SvgMinify;

namespace MicroSvg.Tests;

/// <summary>The SvgMinify command: inputs, outputs and exit codes.</summary>
[TestFixture]
public sealed class CliTests
{
    private const string Good = "<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <!-- c -->\n  <path d=\"M 0 0 L 10 0 L 10 10 Z\"/>\n</svg>\n";
    private string folder = string.Empty;

    [SetUp]
    public void CreateFolder()
    {
        this.folder = Path.Combine(Path.GetTempPath(), "svgminify-tests-" + TestContext.CurrentContext.Test.ID);
        Directory.CreateDirectory(this.folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(this.folder, recursive: true);

    [TestCase("--bogus")]
    [TestCase("-o")]
    [TestCase("--precision", "x")]
    [TestCase("a.svg", "b.svg")]
    [TestCase("/definitely/not/here.svg")]
    public void Bad_arguments_exit_with_2(params string[] args)
    {
        var (code, _, error) = Run(args);
        Assert.That(code, Is.EqualTo(SvgMinifyCommand.BadArguments), error);
    }

    [Test]
    public void Folder_input_needs_an_output_folder()
    {
        Assert.That(Run(this.folder).Code, Is.EqualTo(SvgMinifyCommand.BadArguments));
    }

    [Test]
    public void Folder_is_mirrored_recursively_and_summarised()
    {
        var input = Path.Combine(this.folder, "in");
        Directory.CreateDirectory(Path.Combine(input, "sub", "deeper"));
        File.WriteAllText(Path.Combine(input, "a.svg"), Good);
        File.WriteAllText(Path.Combine(input, "sub", "deeper", "b.svg"), Good);
        var output = Path.Combine(this.folder, "out");
        var (code, _, error) = Run(input, "-o", output);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(SvgMinifyCommand.Success), error);
            Assert.That(File.ReadAllText(Path.Combine(output, "sub", "deeper", "b.svg")), Is.EqualTo("<svg xmlns=\"http://www.w3.org/2000/svg\"><path d=\"M0 0h10v10\"/></svg>"));
            Assert.That(File.Exists(Path.Combine(output, "a.svg")), Is.True);
            Assert.That(error, Does.Contain("2 of 2 file(s) minified"));
        });
    }

    [Test]
    public void Failed_files_are_named_and_exit_with_1()
    {
        var input = Path.Combine(this.folder, "in");
        Directory.CreateDirectory(input);
        File.WriteAllText(Path.Combine(input, "good.svg"), Good);
        File.WriteAllText(Path.Combine(input, "broken.svg"), "<svg><g></svg>");
        var (code, _, error) = Run(input, "-o", Path.Combine(this.folder, "out"), "--quiet");
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(SvgMinifyCommand.SomeFailed));
            Assert.That(error, Does.Contain("broken.svg").And.Contain("line 1, column 9"));
            Assert.That(File.Exists(Path.Combine(this.folder, "out", "good.svg")), Is.True);
        });
    }

    [Test]
    public void Stdin_to_stdout()
    {
        var (code, output, _) = Run(["-", "-o", "-"], Good);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(SvgMinifyCommand.Success));
            Assert.That(output, Is.EqualTo("<svg xmlns=\"http://www.w3.org/2000/svg\"><path d=\"M0 0h10v10\"/></svg>"));
        });
    }

    [Test]
    public void Single_file_to_file_with_options()
    {
        var input = Path.Combine(this.folder, "in.svg");
        File.WriteAllText(input, "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>T</title><path id=\"p\" d=\"M1.26 1.26h1\"/></svg>");
        var output = Path.Combine(this.folder, "out.svg");
        var (code, _, error) = Run(input, "-o", output, "--keep-ids", "--keep-titles", "--precision", "1", "--no-multipass");
        Assert.That(code, Is.EqualTo(SvgMinifyCommand.Success), error);
        Assert.That(File.ReadAllText(output), Is.EqualTo("<svg xmlns=\"http://www.w3.org/2000/svg\"><title>T</title><path id=\"p\" d=\"M1.3 1.3h1\"/></svg>"));
    }

    [Test]
    public void Zero_arguments_minify_the_built_in_sample()
    {
        var (code, output, _) = Run();
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(SvgMinifyCommand.Success));
            Assert.That(output, Does.StartWith("<svg").And.Not.Contain("inkscape"));
        });
    }

    private static (int Code, string Output, string Error) Run(params string[] args) => Run(args, string.Empty);

    private static (int Code, string Output, string Error) Run(string[] args, string stdin)
    {
        using var input = new StringReader(stdin);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = SvgMinifyCommand.Run(args, input, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
