namespace FaceEmbeddings.Tests.PostgreSql;

/// <summary>The PostgreSQL tests share one server: they run one after another (the CI machine has two cores).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresTestGroup
{
    public const string Name = "PostgreSQL server";
}

/// <summary>Tests that stop and start the PostgreSQL server: they run alone, after every other collection.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresRestartGroup
{
    public const string Name = "PostgreSQL server restarts (run alone)";
}
