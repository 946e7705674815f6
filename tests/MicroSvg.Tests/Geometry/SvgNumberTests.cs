using System.Globalization;
using MicroSvg.Geometry;

namespace MicroSvg.Tests.Geometry;

/// <summary>The number reader agrees bit for bit with the runtime's parser; the writer is shortest and round-trips.</summary>
[TestFixture]
public sealed class SvgNumberTests
{
    [TestCase("0", 0.0)]
    [TestCase("-0", -0.0)]
    [TestCase(".5", 0.5)]
    [TestCase("-.25e1", -2.5)]
    [TestCase("1e-30", 1e-30)]
    [TestCase("123456789012345678", 123456789012345678.0)]
    [TestCase("0.000000000000000000000000001", 1e-27)]
    [TestCase("+7.", 7.0)]
    [TestCase("00000000000000000000001.5", 1.5)]
    [TestCase("12345678901234567890123", 12345678901234567890123.0)]
    [TestCase("0.1234567890123456789012e5", 12345.67890123456789012)]
    [TestCase("1e-400", 0.0)]
    [TestCase("1e", 1.0)]
    public void Reads_known_numbers(string text, double expected)
    {
        var pos = 0;
        Assert.That(SvgNumber.TryRead(text, ref pos, out var value), Is.True);
        Assert.That(BitConverter.DoubleToInt64Bits(value), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected)));
    }

    [TestCase("1e99999")]
    [TestCase("-1e400")]
    [TestCase(".")]
    [TestCase("-")]
    public void Refuses_numbers_without_digits_or_a_finite_value(string text)
    {
        var pos = 0;
        Assert.That(SvgNumber.TryRead(text, ref pos, out _), Is.False);
        Assert.That(pos, Is.Zero);
    }

    [Test]
    public void Reads_random_numbers_exactly_like_double_parse()
    {
        var random = new Random(1234);
        for (var i = 0; i < 200_000; i++)
        {
            var text = RandomNumberText(random);
            var pos = 0;
            Assert.That(SvgNumber.TryRead(text, ref pos, out var value), Is.True, text);
            var expected = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (BitConverter.DoubleToInt64Bits(value) != BitConverter.DoubleToInt64Bits(expected))
            {
                Assert.Fail($"{text}: read {value:R}, expected {expected:R}");
            }
        }
    }

    [TestCase(0L, 3, "0")]
    [TestCase(1500L, 3, "1.5")]
    [TestCase(-5L, 3, "-.005")]
    [TestCase(100000L, 0, "1e5")]
    [TestCase(1000L, 0, "1e3")]
    [TestCase(100L, 0, "100")]
    [TestCase(1L, 7, "1e-7")]
    [TestCase(12L, 6, "12e-6")]
    [TestCase(12L, 4, ".0012")]
    [TestCase(-123456L, 2, "-1234.56")]
    public void Writes_the_shortest_form(long scaled, int decimals, string expected) =>
        Assert.That(SvgNumber.FormatScaled(scaled, decimals), Is.EqualTo(expected));

    [Test]
    public void Written_numbers_read_back_to_the_same_value()
    {
        var random = new Random(99);
        for (var i = 0; i < 100_000; i++)
        {
            var decimals = random.Next(0, 13);
            var scaled = random.NextInt64(-9_000_000_000_000_000, 9_000_000_000_000_000) >> random.Next(0, 60);
            var text = SvgNumber.FormatScaled(scaled, decimals);
            var expected = (decimal)scaled / (decimal)Math.Pow(10, decimals);
            Assert.That(decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture), Is.EqualTo(expected), text);
        }
    }

    private static string RandomNumberText(Random random)
    {
        var sign = random.Next(4) switch { 0 => "-", 1 => "+", _ => string.Empty };
        var whole = random.Next(3) == 0 ? string.Empty : Digits(random, random.Next(1, 19));
        var fraction = Digits(random, random.Next(1, 19));
        var exponent = random.Next(3) == 0 ? "e" + random.Next(-30, 30).ToString(CultureInfo.InvariantCulture) : string.Empty;
        return sign + whole + "." + fraction + exponent;
    }

    private static string Digits(Random random, int count)
    {
        var digits = new char[count];
        for (var i = 0; i < count; i++)
        {
            digits[i] = (char)('0' + random.Next(10));
        }

        return new string(digits);
    }
}
