using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;
using X86Sse42 = System.Runtime.Intrinsics.X86.Sse42;

namespace Cluster.Core;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every durable record in the
/// suite. It uses the CPU's CRC32C instruction where there is one (SSE 4.2 on x64, the CRC extension on
/// Arm64) and a slicing-by-8 table otherwise; both give identical results.
/// </summary>
/// <remarks>
/// The value is the standard one (iSCSI, RFC 3720; ext4, LevelDB before masking): initial value and final
/// XOR 0xFFFFFFFF, so <c>Compute("123456789")</c> is 0xE3069283. Thread-safe.
/// </remarks>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78;

    // Eight 256-entry tables: table k gives the CRC contribution of a byte followed by k zero bytes,
    // which lets the software path fold eight input bytes per step (Intel's slicing-by-8).
    private static readonly uint[] Table = BuildTable();

    /// <summary>Whether this machine computes the checksum with a CPU instruction.</summary>
    public static bool IsHardwareAccelerated => X86Sse42.X64.IsSupported || ArmCrc32.Arm64.IsSupported;

    /// <summary>Computes the CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// Extends a checksum: <c>Append(Compute(a), b) == Compute(a + b)</c>, so a record can be checksummed
    /// in pieces without copying them together.
    /// </summary>
    /// <param name="crc">The checksum of the data so far (0 for none).</param>
    /// <param name="data">The data that follows.</param>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) =>
        ~(IsHardwareAccelerated ? UpdateHardware(~crc, data) : UpdateSoftware(~crc, data));

    /// <summary>The table-driven computation, exposed for tests that compare it with the hardware path.</summary>
    internal static uint ComputeSoftware(ReadOnlySpan<byte> data) => ~UpdateSoftware(~0u, data);

    /// <summary>The CPU-instruction computation; call only when <see cref="IsHardwareAccelerated"/>.</summary>
    internal static uint ComputeHardware(ReadOnlySpan<byte> data) => ~UpdateHardware(~0u, data);

    private static uint UpdateHardware(uint crc, ReadOnlySpan<byte> data)
    {
        ref var start = ref MemoryMarshal.GetReference(data);
        var length = data.Length;
        var offset = 0;
        if (X86Sse42.X64.IsSupported)
        {
            ulong wide = crc;
            for (; offset + 8 <= length; offset += 8)
            {
                wide = X86Sse42.X64.Crc32(wide, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, offset)));
            }

            crc = (uint)wide;
            for (; offset < length; offset++)
            {
                crc = X86Sse42.Crc32(crc, Unsafe.Add(ref start, offset));
            }

            return crc;
        }

        if (ArmCrc32.Arm64.IsSupported)
        {
            for (; offset + 8 <= length; offset += 8)
            {
                crc = ArmCrc32.Arm64.ComputeCrc32C(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, offset)));
            }

            for (; offset < length; offset++)
            {
                crc = ArmCrc32.ComputeCrc32C(crc, Unsafe.Add(ref start, offset));
            }

            return crc;
        }

        return UpdateSoftware(crc, data);
    }

    private static uint UpdateSoftware(uint crc, ReadOnlySpan<byte> data)
    {
        var table = Table.AsSpan();
        while (data.Length >= 8)
        {
            // The reflected CRC consumes bytes least significant first, so the low word is read little-endian.
            var low = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            var high = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = table[(7 * 256) + (int)(low & 0xFF)]
                ^ table[(6 * 256) + (int)((low >> 8) & 0xFF)]
                ^ table[(5 * 256) + (int)((low >> 16) & 0xFF)]
                ^ table[(4 * 256) + (int)(low >> 24)]
                ^ table[(3 * 256) + (int)(high & 0xFF)]
                ^ table[(2 * 256) + (int)((high >> 8) & 0xFF)]
                ^ table[256 + (int)((high >> 16) & 0xFF)]
                ^ table[(int)(high >> 24)];
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = table[(int)((crc ^ b) & 0xFF)] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            var crc = i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ Polynomial : crc >> 1;
            }

            table[i] = crc;
        }

        for (var slice = 1; slice < 8; slice++)
        {
            for (var i = 0; i < 256; i++)
            {
                var previous = table[((slice - 1) * 256) + i];
                table[(slice * 256) + i] = (previous >> 8) ^ table[(int)(previous & 0xFF)];
            }
        }

        return table;
    }
}
