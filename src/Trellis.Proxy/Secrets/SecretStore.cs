using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace Trellis.Proxy.Secrets;

/// <summary>The proxy's named TLS secrets, as Envoy's SDS names them: <c>default</c> (this workload's certificate),
/// <c>ROOTCA</c> (the mesh's trust anchors), <c>kubernetes://NAME</c> (a gateway credential), and any a bootstrap
/// declares. Writers (the identity agent, SDS over ADS, static bootstrap secrets) replace a secret whole; readers
/// (TLS handshakes) look a name up each time, so a rotated certificate is used by the next handshake without a lock.</summary>
internal sealed class SecretStore(ILogger? logger = null)
{
    private ImmutableDictionary<string, object> _secrets = ImmutableDictionary.Create<string, object>(StringComparer.Ordinal);
    private ImmutableHashSet<string> _reportedMissing = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    /// <summary>Raised after a secret was set or removed, with its name (on the writer's thread).</summary>
    public event Action<string>? Changed;

    /// <summary>The names currently held, for the admin's secret dump.</summary>
    public IEnumerable<string> Names => Volatile.Read(ref _secrets).Keys;

    public bool TryGetCertificate(string name, [NotNullWhen(true)] out CertificateSecret? secret) => TryGet(name, out secret);

    public bool TryGetValidation(string name, [NotNullWhen(true)] out ValidationSecret? secret) => TryGet(name, out secret);

    public void Set(string name, CertificateSecret secret) => Replace(name, secret);

    public void Set(string name, ValidationSecret secret) => Replace(name, secret);

    public void Remove(string name)
    {
        ImmutableInterlocked.TryRemove(ref _secrets, name, out _);
        Changed?.Invoke(name);
    }

    /// <summary>A handshake needed <paramref name="name"/> and it is not here, so the handshake failed (closed, as
    /// Envoy keeps a listener whose secret has not arrived from serving). Logged once until the secret arrives.</summary>
    public void ReportMissing(string name, string neededBy)
    {
        if (ImmutableInterlocked.Update(ref _reportedMissing, static (set, n) => set.Add(n), name))
            logger?.LogWarning("TLS secret \"{Name}\" needed by {Where} is not available; its handshakes fail until it arrives", name, neededBy);
    }

    private bool TryGet<T>(string name, [NotNullWhen(true)] out T? secret) where T : class
    {
        secret = Volatile.Read(ref _secrets).GetValueOrDefault(name) as T;
        return secret is not null;
    }

    private void Replace(string name, object secret)
    {
        ImmutableInterlocked.AddOrUpdate(ref _secrets, name, secret, (_, _) => secret);
        ImmutableInterlocked.Update(ref _reportedMissing, static (set, n) => set.Remove(n), name);
        Changed?.Invoke(name);
    }
}
