using System.Globalization;
using Npgsql;

namespace FaceEmbeddings.PostgreSql;

/// <summary>How messages name a gallery: its server, database, user and tables (never the password).</summary>
internal sealed record GalleryLocation(string Server, string Database, string User, string Tables)
{
    public static GalleryLocation Of(NpgsqlDataSource dataSource, PostgresFaceGalleryOptions options)
    {
        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        string port = settings.Port.ToString(CultureInfo.InvariantCulture);
        string server = string.IsNullOrEmpty(settings.Host) ? $"localhost:{port}" : $"{settings.Host}:{port}";
        string user = string.IsNullOrEmpty(settings.Username) ? Environment.UserName : settings.Username;
        string database = string.IsNullOrEmpty(settings.Database) ? user : settings.Database;
        return new GalleryLocation(server, database, user, $"{options.Schema}.{options.TablePrefix}_*");
    }

    /// <summary>"postgresql://host:port/database (tables public.face_gallery_*)".</summary>
    public override string ToString() => $"postgresql://{Server}/{Database} (tables {Tables})";
}
