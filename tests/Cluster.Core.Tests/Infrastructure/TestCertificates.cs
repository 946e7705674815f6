using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Cluster.Core.Tests.Infrastructure;

/// <summary>Self-signed certificates made in-process, so TLS tests need no files and no machine trust store.</summary>
public static class TestCertificates
{
    public static X509Certificate2 CreateSelfSigned(string commonName = "cluster-test")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        using var ephemeral = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        // A round trip through PKCS#12 gives a certificate whose private key every TLS backend accepts.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>TLS settings that present <paramref name="own"/> on both sides of a connection and accept exactly the certificates in <paramref name="trusted"/>.</summary>
    public static TlsOptions Pinned(X509Certificate2 own, params X509Certificate2[] trusted) => new()
    {
        ServerCertificate = own,
        ClientCertificate = own,
        RemoteCertificateValidation = (_, certificate, _, _) =>
            certificate is not null && trusted.Any(t => t.GetCertHashString() == certificate.GetCertHashString()),
    };
}
