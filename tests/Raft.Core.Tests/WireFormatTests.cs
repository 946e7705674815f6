using Cluster.Core;
using MessagePack;

namespace Raft.Core.Tests;

public sealed class WireFormatTests
{
    private static readonly MessagePackSerializerOptions Untrusted = MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    [Test]
    public void A_message_with_every_field_set_round_trips()
    {
        var message = new RaftMessage
        {
            Type = MessageType.InstallSnapshot,
            From = new NodeId(1),
            To = new NodeId(2),
            Term = 3,
            LogTerm = 4,
            Index = 5,
            Entries = [new LogEntry { Term = 3, Index = 6, Kind = EntryKind.ConfigChange, Data = new byte[] { 1, 2 } }],
            Commit = 7,
            Reject = true,
            ConflictTerm = 8,
            ConflictIndex = 9,
            Context = new byte[] { 10 },
            Snapshot = new SnapshotMetadata
            {
                Index = 11,
                Term = 12,
                Configuration = new ConfigurationState { Voters = [new NodeId(1)], VotersOutgoing = [new NodeId(2)], Learners = [new NodeId(3)], LearnersNext = [new NodeId(4)], AutoLeave = true },
            },
            SnapshotOffset = 13,
            SnapshotData = new byte[] { 14, 15 },
            SnapshotDone = true,
            LeaderTransfer = true,
            LeaseTick = 16,
        };

        var copy = MessagePackSerializer.Deserialize<RaftMessage>(MessagePackSerializer.Serialize(message, Untrusted), Untrusted);
        Assert.Multiple(() =>
        {
            Assert.That(copy.ToString(), Is.EqualTo(message.ToString()));
            Assert.That((copy.Type, copy.From, copy.To, copy.Term, copy.LogTerm, copy.Index, copy.Commit, copy.Reject),
                Is.EqualTo((message.Type, message.From, message.To, message.Term, message.LogTerm, message.Index, message.Commit, message.Reject)));
            Assert.That((copy.ConflictTerm, copy.ConflictIndex, copy.SnapshotOffset, copy.SnapshotDone, copy.LeaderTransfer, copy.LeaseTick),
                Is.EqualTo((8UL, 9UL, 13UL, true, true, 16UL)));
            Assert.That(copy.Context.ToArray(), Is.EqualTo(new byte[] { 10 }));
            Assert.That(copy.SnapshotData.ToArray(), Is.EqualTo(new byte[] { 14, 15 }));
            Assert.That(copy.Snapshot, Is.EqualTo(message.Snapshot));
            Assert.That(copy.Entries.Single() with { Data = default }, Is.EqualTo(message.Entries[0] with { Data = default }));
            Assert.That(copy.Entries.Single().Data.ToArray(), Is.EqualTo(new byte[] { 1, 2 }));
        });
    }

    [Test]
    public void Entry_payloads_decode_into_buffers_of_their_own_and_keep_the_wire_format()
    {
        var entries = new[]
        {
            new LogEntry { Term = 1, Index = 1, Data = new byte[] { 1, 2, 3 } },
            new LogEntry { Term = 1, Index = 2 },
            new LogEntry { Term = 1, Index = 3, Data = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray() },
            new LogEntry { Term = 1, Index = 4, Data = new byte[] { 4 } },
        };
        var message = new RaftMessage { Type = MessageType.Append, Entries = entries };
        var frame = MessagePackSerializer.Serialize(message, Untrusted);

        // The bytes are what MessagePack's own formatter writes for ReadOnlyMemory<byte>: bin 8 with the payload.
        Assert.That(MessagePackSerializer.Serialize(entries[0], Untrusted)[^5..], Is.EqualTo(new byte[] { 0xC4, 3, 1, 2, 3 }));

        var copy = MessagePackSerializer.Deserialize<RaftMessage>(frame, Untrusted);
        Array.Clear(frame);
        var first = copy.Entries[0].Data.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(copy.Entries.Select(e => e.Data.ToArray()), Is.EqualTo(entries.Select(e => e.Data.ToArray())), "payloads survive the frame's buffer being reused");
            Assert.That(copy.Entries[1].Data.IsEmpty, Is.True);
        });

        // Writing into one decoded payload must not show through another (they may share a slab, never bytes).
        System.Runtime.InteropServices.MemoryMarshal.AsMemory(copy.Entries[3].Data).Span.Fill(0xFF);
        Assert.That(copy.Entries[0].Data.ToArray(), Is.EqualTo(first));
    }

    [Test]
    public void Hard_state_and_configuration_changes_round_trip()
    {
        var hard = new HardState(3, new NodeId(2), 9);
        var change = new ConfigChange
        {
            Items = [new(ConfigChangeType.AddVoter, new NodeId(4)), new(ConfigChangeType.RemoveNode, new NodeId(3))],
            Transition = ConfigChangeTransition.JointExplicit,
        };
        Assert.Multiple(() =>
        {
            Assert.That(MessagePackSerializer.Deserialize<HardState>(MessagePackSerializer.Serialize(hard, Untrusted), Untrusted), Is.EqualTo(hard));
            Assert.That(ConfigChange.Decode(change.Encode()), Is.EqualTo(change));
            Assert.That(ConfigChange.Decode(ConfigChange.LeaveJoint().Encode()).IsLeaveJoint, Is.True);
        });
    }
}
