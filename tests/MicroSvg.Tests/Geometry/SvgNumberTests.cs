using System.Globalization;
using MicroSvg.Geometry;

namespace MicroSvg.Tests.Geometry;

/// <summary>
/// The number reader agrees bit for bit with the runtime's parser; the writer is shortest and round-trips;
/// the single-precision values are those a renderer reads.
/// </summary>
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

    [Test]
    public void Single_precision_values_agree_with_float_parse()
    {
        var random = new Random(7);
        for (var i = 0; i < 200_000; i++)
        {
            var text = RandomNumberText(random);
            var pos = 0;
            Assert.That(SvgNumber.TryRead(text, ref pos, out var value), Is.True, text);
            var expected = float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (BitConverter.SingleToInt32Bits(SvgNumber.ToSingle(value, text)) != BitConverter.SingleToInt32Bits(expected))
            {
                Assert.Fail($"{text}: {SvgNumber.ToSingle(value, text):R}, expected {expected:R}");
            }

            var decimals = random.Next(0, 13);
            var scaled = random.NextInt64(-9_000_000_000_000_000, 9_000_000_000_000_000) >> random.Next(0, 60);
            var written = float.Parse(SvgNumber.FormatScaled(scaled, decimals), NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.That(BitConverter.SingleToInt32Bits(SvgNumber.ToSingle(scaled, decimals)), Is.EqualTo(BitConverter.SingleToInt32Bits(written)), $"{scaled}e-{decimals}");
        }
    }

    [TestCase(1234567.5f)]
    [TestCase(1234568.5f)]
    [TestCase(128.12988f)]
    [TestCase(-97.762695f)]
    [TestCase(1e-30f)]
    [TestCase(3.4e38f)]
    [TestCase(0.1f)]
    public void Rendered_values_are_the_seven_digit_text_round_trip(float value) =>
        Assert.That(SvgNumber.ToRendered(value), Is.EqualTo(float.Parse(value.ToString("G7", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)));

    [Test]
    public void Rendered_values_of_random_floats_are_the_seven_digit_text_round_trip()
    {
        var random = new Random(11);
        for (var i = 0; i < 300_000; i++)
        {
            // Mostly drawing-sized coordinates with every bit pattern, sometimes any finite float.
            var value = random.Next(4) == 0
                ? BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue))
                : (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 6)));
            if (!float.IsFinite(value))
            {
                continue;
            }

            var expected = float.Parse(value.ToString("G7", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
            if (BitConverter.SingleToInt32Bits(SvgNumber.ToRendered(value)) != BitConverter.SingleToInt32Bits(expected))
            {
                Assert.Fail($"{value:R}: {SvgNumber.ToRendered(value):R}, expected {expected:R}");
            }
        }
    }

    [Test]
    public void Rendered_values_of_decimals_and_texts_take_the_short_way_only_when_exact()
    {
        var random = new Random(13);
        for (var i = 0; i < 300_000; i++)
        {
            var decimals = random.Next(0, 9);
            var scaled = random.NextInt64(-100_000_000_000, 100_000_000_000) >> random.Next(0, 36);
            var text = SvgNumber.FormatScaled(scaled, decimals);
            var single = float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            var expected = float.Parse(single.ToString("G7", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.That(BitConverter.SingleToInt32Bits(SvgNumber.ToRendered(scaled, decimals)), Is.EqualTo(BitConverter.SingleToInt32Bits(expected)), text);
            var pos = 0;
            Assert.That(SvgNumber.TryRead(text, ref pos, out _, out var rendered, out var fractionDigits), Is.True);
            Assert.That(BitConverter.SingleToInt32Bits(rendered), Is.EqualTo(BitConverter.SingleToInt32Bits(expected)), text);
            Assert.That(fractionDigits, Is.EqualTo(FractionDigitsOf(scaled, decimals)), text);
        }
    }

    /// <summary>Decimals of the shortest text of scaled / 10^decimals: trailing zeros are not written.</summary>
    private static int FractionDigitsOf(long scaled, int decimals)
    {
        if (scaled == 0)
        {
            return 0;
        }

        while (scaled % 10 == 0 && decimals > 0)
        {
            scaled /= 10;
            decimals--;
        }

        return decimals;
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
