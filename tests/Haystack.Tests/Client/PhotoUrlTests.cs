using Cluster.Core;

namespace Haystack.Tests.Client;

/// <summary>The paper's URL form: formatting, parsing, and clear errors on malformed input.</summary>
public sealed class PhotoUrlTests
{
    [Test]
    public void A_url_round_trips()
    {
        var url = new PhotoUrl(new NodeId(7), new NodeId(12), new PhotoLocation(3, 1042, 1, 0x00c0ffee00c0ffee));
        Assert.That(url.ToString(), Is.EqualTo("/7/12/3,1042_1?00c0ffee00c0ffee"));
        Assert.That(PhotoUrl.Parse(url.ToString()), Is.EqualTo(url));
    }

    [Test]
    public void A_direct_url_without_alternate_key_round_trips()
    {
        var url = new PhotoUrl(NodeId.None, new NodeId(12), new PhotoLocation(uint.MaxValue, ulong.MaxValue, 0, 1));
        Assert.That(url.ToString(), Is.EqualTo("/-/12/4294967295,18446744073709551615?0000000000000001"));
        Assert.That(PhotoUrl.Parse(url.ToString()), Is.EqualTo(url));
    }

    [TestCase("", 0, "'/'")]
    [TestCase("7/12/3,1?00c0ffee00c0ffee", 0, "'/'")]
    [TestCase("/x/12/3,1?00c0ffee00c0ffee", 1, "cache")]
    [TestCase("/0/12/3,1?00c0ffee00c0ffee", 2, "above zero")]
    [TestCase("/7//3,1?00c0ffee00c0ffee", 3, "Store machine")]
    [TestCase("/7/12/4294967296,1?00c0ffee00c0ffee", 16, "below 2^32")]
    [TestCase("/7/12/3;1?00c0ffee00c0ffee", 7, "','")]
    [TestCase("/7/12/3,?00c0ffee00c0ffee", 8, "photo key")]
    [TestCase("/7/12/3,99999999999999999999?00c0ffee00c0ffee", 8, "below 2^64")]
    [TestCase("/7/12/3,1_?00c0ffee00c0ffee", 10, "alternate key")]
    [TestCase("/7/12/3,1", 9, "'?'")]
    [TestCase("/7/12/3,1?c0ffee", 10, "16 hex digits")]
    [TestCase("/7/12/3,1?00c0ffee00c0ffeeAA", 10, "16 hex digits")]
    [TestCase("/7/12/3,1?00c0ffee00c0ffgg", 10, "16 hex digits")]
    public void A_malformed_url_is_refused_with_the_position_and_what_was_expected(string url, int position, string expected)
    {
        var error = Assert.Throws<PhotoUrlFormatException>(() => PhotoUrl.Parse(url));
        Assert.That(error!.Position, Is.EqualTo(position), error.Message);
        Assert.That(error.Message, Does.Contain(expected));
        Assert.That(PhotoUrl.TryParse(url, out _), Is.False);
    }

    [Test]
    public void An_overlong_url_is_refused_before_it_is_read()
    {
        var error = Assert.Throws<PhotoUrlFormatException>(() => PhotoUrl.Parse("/7/12/3,1?" + new string('0', 500)));
        Assert.That(error!.Message, Does.Contain("at most 128 characters"));
    }
}
