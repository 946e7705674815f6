using System.Net;
using Chubby;
using Cluster.Core;
using Microsoft.Extensions.Logging;

namespace LockService;

/// <summary>
/// A whole cell in one process: replicas on 127.0.0.1 with ports the system picks, each with durable files under its own folder,
/// and clients on their own transports. Replicas can be killed and restarted on the same port from their files.
/// </summary>
public sealed class LocalCell : IAsyncDisposable
{
    private readonly CellReplica?[] _replicas;
    private readonly NodeAddress[] _addresses;
    private readonly List<(TcpTransport Transport, MessageBus Bus, ChubbyClient Client)> _clients = [];
    private readonly string _dataFolder;
    private readonly ILoggerFactory _loggerFactory;
    private ulong _nextClient = 100;

    private LocalCell(int replicas, string dataFolder, ILoggerFactory loggerFactory)
    {
        _replicas = new CellReplica?[replicas];
        _addresses = new NodeAddress[replicas];
        Members = [.. Enumerable.Range(1, replicas).Select(i => new NodeId((ulong)i))];
        _dataFolder = dataFolder;
        _loggerFactory = loggerFactory;
    }

    /// <summary>The replicas' ids, n1..nN.</summary>
    public IReadOnlyList<NodeId> Members { get; }

    /// <summary>Where each replica listens.</summary>
    public IReadOnlyList<NodeAddress> Addresses => _addresses;

    /// <summary>The replicas that are running.</summary>
    public IEnumerable<CellReplica> Running => _replicas.OfType<CellReplica>();

    /// <summary>The running replica that is master in the highest epoch, if any.</summary>
    public ChubbyServer? Master => Running.Select(r => r.Server).Where(s => s.IsMaster).MaxBy(s => s.MasterEpoch);

    /// <summary>Starts <paramref name="replicas"/> replicas with their data under <paramref name="dataFolder"/>/n1, n2, …</summary>
    public static async Task<LocalCell> StartAsync(string dataFolder, ILoggerFactory loggerFactory, int replicas = 5)
    {
        var cell = new LocalCell(replicas, dataFolder, loggerFactory);
        try
        {
            // Ports are chosen by the system, so every replica learns the others' addresses once all are bound.
            for (var i = 0; i < replicas; i++)
            {
                cell._replicas[i] = await CellReplica.StartAsync(new NodeAddress(cell.Members[i], IPAddress.Loopback.ToString(), 0), [], cell.Members, cell.Folder(i), loggerFactory);
                cell._addresses[i] = cell._replicas[i]!.Address;
            }

            foreach (var replica in cell.Running)
            {
                foreach (var address in cell._addresses)
                {
                    if (address.Id != replica.Address.Id)
                    {
                        replica.Transport.AddOrUpdatePeer(address);
                    }
                }
            }

            return cell;
        }
        catch
        {
            await cell.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until a replica is master and has taken over (polling; the cell runs on real time).</summary>
    /// <exception cref="TimeoutException">No master within <paramref name="timeout"/>.</exception>
    public async Task<ChubbyServer> WaitForMasterAsync(TimeSpan timeout)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (TimeProvider.System.GetTimestamp() < deadline)
        {
            if (Master is { } master)
            {
                return master;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        throw new TimeoutException($"No replica became master within {timeout}.");
    }

    /// <summary>Connects a client on a transport of its own (ids from n100); <paramref name="options"/> names its principal.</summary>
    public async Task<ChubbyClient> ConnectAsync(ChubbyClientOptions options, CancellationToken cancellationToken = default)
    {
        var address = new NodeAddress(new NodeId(_nextClient++), IPAddress.Loopback.ToString(), 0);
        var transport = Wiring.CreateTransport(address, _addresses, _loggerFactory);
        var bus = new MessageBus(transport, TimeProvider.System, loggerFactory: _loggerFactory);
        await transport.StartAsync(cancellationToken);
        foreach (var replica in Running)
        {
            replica.Transport.AddOrUpdatePeer(transport.BoundAddress);
        }

        try
        {
            var client = await ChubbyClient.ConnectAsync(bus, Members, TimeProvider.System, options, _loggerFactory, cancellationToken);
            _clients.Add((transport, bus, client));
            return client;
        }
        catch
        {
            await bus.DisposeAsync();
            await transport.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops a replica abruptly (its files stay).</summary>
    public async Task KillAsync(NodeId id)
    {
        var i = Index(id);
        if (_replicas[i] is { } replica)
        {
            _replicas[i] = null;
            await replica.DisposeAsync();
        }
    }

    /// <summary>Starts a killed replica again on its old port, from its files.</summary>
    public async Task RestartAsync(NodeId id)
    {
        var i = Index(id);
        if (_replicas[i] is null)
        {
            _replicas[i] = await CellReplica.StartAsync(_addresses[i], [.. _addresses, .. _clients.Select(c => c.Transport.BoundAddress)], Members, Folder(i), _loggerFactory);
        }
    }

    /// <summary>Stops the clients (without closing their sessions) and the replicas.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var (transport, bus, client) in _clients)
        {
            await client.DisposeAsync();
            await bus.DisposeAsync();
            await transport.DisposeAsync();
        }

        _clients.Clear();
        foreach (var id in Members)
        {
            await KillAsync(id);
        }
    }

    private string Folder(int i) => Path.Combine(_dataFolder, Members[i].ToString());

    private int Index(NodeId id)
    {
        var i = Members.ToList().IndexOf(id);
        return i >= 0 ? i : throw new ArgumentException($"{id} is not a replica of this cell ({string.Join(' ', Members)}).", nameof(id));
    }
}
