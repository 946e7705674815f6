using Cluster.Core;
using Raft.Core;

namespace Raft.Core.Tests.Infrastructure;

public static class Msg
{
    public static RaftMessage Make(MessageType type, ulong from, ulong to, ulong term) =>
        new() { Type = type, From = new NodeId(from), To = new NodeId(to), Term = term };

    public static LogEntry Entry(ulong index, ulong term, string data = "") =>
        new() { Index = index, Term = term, Data = System.Text.Encoding.UTF8.GetBytes(data) };

    public static NodeId N(ulong id) => new(id);
}
