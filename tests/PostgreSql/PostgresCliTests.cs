using System.Text.Json;
using FaceEmbeddings.Tests.Cli;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;
using Npgsql;

namespace FaceEmbeddings.Tests.PostgreSql;

/// <summary><c>faceembed</c>'s gallery commands with <c>--gallery</c> naming a PostgreSQL database instead of a file.</summary>
[RequiresPostgres]
[Collection(PostgresTestGroup.Name)]
public sealed class PostgresCliTests
{
    private static string People => SharedData.PathOf("data/people");

    private static string[] Encoder => ["--weights", SharedData.PathOf(FaceNetReference.CheckpointPath), "--models", SharedData.PathOf("models"), "--offline"];

    [Fact]
    public async Task A_connection_string_as_gallery_enrols_lists_identifies_and_removes_in_the_database()
    {
        string database = "cli_" + Guid.NewGuid().ToString("N")[..12];
        await using var admin = NpgsqlDataSource.Create(PostgresServer.ConnectionString);
        await using (var create = admin.CreateCommand($"CREATE DATABASE {database}"))
            await create.ExecuteNonQueryAsync();
        try
        {
            string gallery = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { Database = database }.ConnectionString;
            string obama = Path.Combine(People, "obama", "obama.jpg");

            ToolRun listEmpty = await FaceEmbedTool.RunAsync("gallery", "list", "--gallery", gallery);
            ToolRun add = await FaceEmbedTool.RunAsync(["gallery", "add", People, "--gallery", gallery, .. Encoder]);
            ToolRun list = await FaceEmbedTool.RunAsync("gallery", "list", "--gallery", gallery, "--json");
            ToolRun identify = await FaceEmbedTool.RunAsync(["identify", obama, "--gallery", gallery, "--threshold", "0.001", "--json", .. Encoder]);
            ToolRun remove = await FaceEmbedTool.RunAsync("gallery", "remove", "obama", "--gallery", gallery);
            ToolRun listAfter = await FaceEmbedTool.RunAsync("gallery", "list", "--gallery", gallery);

            listEmpty.ExitCode.Should().Be(1, listEmpty.ToString());
            listEmpty.ErrorLines.Should().ContainSingle().Which.Should().Contain($"/{database} (tables public.face_gallery_*)").And.Contain("gallery add");
            add.ExitCode.Should().Be(0, add.ToString());
            add.Output.Should().Contain($"postgresql://").And.NotContain(new NpgsqlConnectionStringBuilder(gallery).Password!);
            list.ExitCode.Should().Be(0, list.ToString());
            using (JsonDocument listed = JsonDocument.Parse(list.Output))
            {
                listed.RootElement.GetProperty("identities").EnumerateArray().Select(identity => identity.GetProperty("name").GetString()).Should()
                    .Equal(Directory.GetDirectories(People).Select(dir => Path.GetFileName(dir)!).Order(StringComparer.Ordinal));
            }
            identify.ExitCode.Should().Be(0, identify.ToString());
            using (JsonDocument found = JsonDocument.Parse(identify.Output))
            {
                JsonElement match = found.RootElement.GetProperty("images")[0].GetProperty("faces")[0].GetProperty("matches")[0];
                match.GetProperty("identity").GetString().Should().Be("obama");
                match.GetProperty("distance").GetDouble().Should().BeLessThan(1e-3);
            }
            remove.ExitCode.Should().Be(0, remove.ToString());
            listAfter.Output.Should().NotContain("obama").And.Contain("biden");
        }
        finally
        {
            await using var drop = admin.CreateCommand($"DROP DATABASE {database} WITH (FORCE)");
            await drop.ExecuteNonQueryAsync();
        }
    }
}
