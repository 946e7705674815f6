using Chubby;
using LockService;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chubby.Tests;

/// <summary>
/// The LockService sample over real loopback TCP with durable logs in a temporary folder: its scripted tour, and its command line
/// client. Real sockets and real time: the timeouts below only guard against a hang, nothing asserts how long a step took.
/// </summary>
[NonParallelizable]
public sealed class LockServiceSampleTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(2);

    [Test]
    public async Task TheTour_RunsToTheEnd_AndEveryCheckHolds()
    {
        var folder = Directory.CreateTempSubdirectory("lockservice-tour-");
        var output = new StringWriter();
        try
        {
            using var guard = new CancellationTokenSource(Guard);
            var ok = await Demo.RunAsync(folder.FullName, output, NullLoggerFactory.Instance, guard.Token);
            Assert.That(ok, Is.True, "a check of the tour failed");
            Assert.That(output.ToString(), Does.Contain("session").And.Contain("survived").And.EndWith("done" + Environment.NewLine));
            Assert.That(Directory.EnumerateFiles(folder.FullName, "*", SearchOption.AllDirectories), Is.Not.Empty, "the replicas wrote their logs");
        }
        finally
        {
            await TestContext.Out.WriteLineAsync(output.ToString());
            folder.Delete(recursive: true);
        }
    }

    [Test]
    public async Task TheShell_WritesReadsListsLocksAndWatches()
    {
        var folder = Directory.CreateTempSubdirectory("lockservice-shell-");
        var output = new StringWriter();
        try
        {
            using var guard = new CancellationTokenSource(Guard);
            await using var cell = await LocalCell.StartAsync(folder.FullName, NullLoggerFactory.Instance, replicas: 3);
            await cell.WaitForMasterAsync(Guard);
            var client = await cell.ConnectAsync(new ChubbyClientOptions { Principal = "shell" }, guard.Token);
            var shell = new ClientShell(client, output);
            var script = """
                mkdir jobs
                put jobs/one first job
                cat /ls/local/jobs/one
                ls jobs
                lock jobs/one
                unlock jobs/one
                unlock jobs/one
                watch jobs --for 200ms
                frobnicate
                """;
            var code = await shell.RunShellAsync(new StringReader(script), prompt: false).WaitAsync(guard.Token);
            var text = output.ToString();

            // The second unlock and the unknown command fail, so the shell reports a failure; everything else went through.
            Assert.That(code, Is.EqualTo(1));
            Assert.That(text, Does.Contain("/ls/local/jobs/one: content generation 2, 9 bytes"));
            Assert.That(text, Does.Contain("first job"));
            Assert.That(text, Does.Contain("locked; sequencer /ls/local/jobs/one#x#1"));
            Assert.That(text, Does.Contain("released /ls/local/jobs/one"));
            Assert.That(text, Does.Contain("error LockNotHeld"));
            Assert.That(text, Does.Contain("watching /ls/local/jobs for 0.2 s"));
            Assert.That(text, Does.Contain("cannot run 'frobnicate'"));
            var lines = text.Split(Environment.NewLine);
            Assert.That(lines, Does.Contain("one"), "ls listed the directory");
        }
        finally
        {
            await TestContext.Out.WriteLineAsync(output.ToString());
            folder.Delete(recursive: true);
        }
    }
}
