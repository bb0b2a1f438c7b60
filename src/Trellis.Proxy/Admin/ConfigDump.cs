using System.Text.Json;
using Google.Protobuf;
using Trellis.Proxy.Configuration;
using Trellis.Xds;

namespace Trellis.Proxy.Admin;

/// <summary>Renders accepted resources as Envoy's /config_dump JSON (admin.v3 *ConfigDump messages),
/// so tools that read Envoy's dump read ours.</summary>
internal static class ConfigDump
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true).WithTypeRegistry(XdsAny.Registry));

    private const string AdminPrefix = "type.googleapis.com/envoy.admin.v3.";

    /// <param name="secrets">The proxy's TLS secrets, listed (keys redacted) in a SecretsConfigDump; none when null.</param>
    public static byte[] Render(AcceptedResources resources, Secrets.SecretStore? secrets = null)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("configs");
            Section(w, "ListenersConfigDump", "dynamic_listeners", resources.Of(TypeUrls.Listener), (w, r) =>
            {
                w.WriteString("name", r.Name);
                w.WriteStartObject("active_state");
                w.WriteString("version_info", r.Version);
                w.WritePropertyName("listener");
                Message(w, r.Message);
                w.WriteString("last_updated", r.LastUpdated.UtcDateTime.ToString("O"));
                w.WriteEndObject();
            });
            Section(w, "ClustersConfigDump", "dynamic_active_clusters", resources.Of(TypeUrls.Cluster), (w, r) => Versioned(w, r, "cluster"));
            Section(w, "RoutesConfigDump", "dynamic_route_configs", resources.Of(TypeUrls.RouteConfiguration), (w, r) => Versioned(w, r, "route_config"));
            Section(w, "EndpointsConfigDump", "dynamic_endpoint_configs", resources.Of(TypeUrls.ClusterLoadAssignment), (w, r) => Versioned(w, r, "endpoint_config"));
            if (secrets is not null) Secrets(w, secrets);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void Section(Utf8JsonWriter w, string type, string listName, IEnumerable<AcceptedResource> items, Action<Utf8JsonWriter, AcceptedResource> write)
    {
        w.WriteStartObject();
        w.WriteString("@type", AdminPrefix + type);
        w.WriteStartArray(listName);
        foreach (var r in items)
        {
            w.WriteStartObject();
            write(w, r);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Secrets(Utf8JsonWriter w, Secrets.SecretStore store)
    {
        w.WriteStartObject();
        w.WriteString("@type", AdminPrefix + "SecretsConfigDump");
        w.WriteStartArray("dynamic_active_secrets");
        foreach (var (secret, version) in SecretsDump.Of(store))
        {
            w.WriteStartObject();
            w.WriteString("name", secret.Name);
            w.WriteString("version_info", version);
            w.WritePropertyName("secret");
            Message(w, secret);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Versioned(Utf8JsonWriter w, AcceptedResource r, string field)
    {
        w.WriteString("version_info", r.Version);
        w.WritePropertyName(field);
        Message(w, r.Message, Any(r.Message));
        w.WriteString("last_updated", r.LastUpdated.UtcDateTime.ToString("O"));
    }

    private static string Any(IMessage m) => "type.googleapis.com/" + m.Descriptor.FullName;

    // Envoy prints each resource as an Any: "@type" first, then the message's fields.
    private static void Message(Utf8JsonWriter w, IMessage m, string? typeUrl = null)
    {
        var json = Formatter.Format(m);
        var type = JsonEncodedText.Encode(typeUrl ?? Any(m)).ToString();
        w.WriteRawValue(json == "{}" ? $"{{\"@type\":\"{type}\"}}" : $"{{\"@type\":\"{type}\",{json.TrimStart()[1..]}");
    }
}
