using System.Text.RegularExpressions;

namespace FaceEmbeddings.PostgreSql;

/// <summary>Where a <see cref="PostgresFaceGallery"/> keeps its tables, how it stores and indexes embeddings, and how it searches.</summary>
public sealed partial record PostgresFaceGalleryOptions
{
    /// <summary>The most characters <see cref="TablePrefix"/> may have, so that every derived name fits PostgreSQL's 63.</summary>
    public const int MaximumTablePrefixLength = 38;

    /// <summary>The PostgreSQL schema of the gallery's tables (default <c>public</c>); it must exist.</summary>
    public string Schema { get; init; } = "public";

    /// <summary>
    /// The start of every table, index and sequence name of the gallery (default <c>face_gallery</c>): tables
    /// <c>{prefix}_identities</c>, <c>{prefix}_faces</c> and <c>{prefix}_info</c>. Galleries with different prefixes (or
    /// schemas) share a database. Lower-case letters, digits and underscores, starting with a letter or underscore, at
    /// most <see cref="MaximumTablePrefixLength"/> characters.
    /// </summary>
    public string TablePrefix { get; init; } = "face_gallery";

    /// <summary>
    /// How embeddings are stored (default <see cref="PostgresEmbeddingStorage.Vector"/>, 4 bytes a value);
    /// <see cref="PostgresEmbeddingStorage.HalfVector"/> halves table and index at a small loss of precision. Fixed when
    /// the tables are created: a gallery opened with the other storage is refused.
    /// </summary>
    public PostgresEmbeddingStorage Storage { get; init; } = PostgresEmbeddingStorage.Vector;

    /// <summary>
    /// Whether the tables get HNSW indexes (default true): approximate, fast searches of large galleries. Without them
    /// every search reads every face, which is exact and fine for a few tens of thousands of faces. Indexes are
    /// created with the tables, or by the next <see cref="PostgresFaceGallery.EnsureSchemaAsync"/> for existing tables.
    /// </summary>
    public bool CreateIndex { get; init; } = true;

    /// <summary>HNSW <c>m</c>: links per node (default 16, pgvector's; 2–100). More raises recall, size and build time.</summary>
    public int HnswM { get; init; } = 16;

    /// <summary>HNSW <c>ef_construction</c>: candidates while building (default 64, pgvector's; at least 2 × <see cref="HnswM"/>, at most 1000).</summary>
    public int HnswEfConstruction { get; init; } = 64;

    /// <summary>
    /// <c>hnsw.ef_search</c> for each search (default 40, pgvector's; 1–1000): candidates kept while walking the index.
    /// More raises recall and latency. Searches that need more faces than this (large top-k, identities with many faces)
    /// keep scanning the index in distance order (pgvector's iterative scan), so they still return enough faces.
    /// </summary>
    public int EfSearch { get; init; } = 40;

    /// <summary>
    /// Search every face exactly instead of through the HNSW index (default false): the reference for measuring the
    /// index's recall, or the choice for small galleries. Open two galleries on the same tables to compare.
    /// </summary>
    public bool ExactSearch { get; init; }

    /// <summary>
    /// Whether the gallery may create the <c>vector</c> extension, its tables and indexes when they are missing
    /// (default true). False for roles without those rights: the gallery then only checks that they exist.
    /// </summary>
    public bool CreateSchema { get; init; } = true;

    /// <summary>
    /// How many times an operation is tried again after a transient failure (a lost connection, a server restarting, a
    /// deadlock) before its typed exception is thrown (default 3; 0 to never). Reads are always safe to try again;
    /// writes are tried again only when the failure came before their commit, so nothing is ever written twice.
    /// </summary>
    public int RetryCount { get; init; } = 3;

    /// <summary>The wait before the first retry, doubled before each next one (default 100 ms).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Checks every setting; the gallery's constructor calls it.</summary>
    /// <exception cref="ArgumentException">A setting is out of range or a name is not a plain identifier; the message names it.</exception>
    public void Validate()
    {
        if (!PlainIdentifier().IsMatch(Schema ?? "") || Schema!.Length > 63)
            throw new ArgumentException($"{nameof(Schema)} must be a plain PostgreSQL name (lower-case letters, digits, '_', at most 63 characters); got '{Schema}'.", nameof(Schema));
        if (!PlainIdentifier().IsMatch(TablePrefix ?? "") || TablePrefix!.Length > MaximumTablePrefixLength)
            throw new ArgumentException(
                $"{nameof(TablePrefix)} must be lower-case letters, digits and '_', starting with a letter or '_', at most {MaximumTablePrefixLength} characters; got '{TablePrefix}'.",
                nameof(TablePrefix));
        if (!Enum.IsDefined(Storage))
            throw new ArgumentException($"Unknown {nameof(PostgresEmbeddingStorage)} {Storage}.", nameof(Storage));
        if (HnswM is < 2 or > 100)
            throw new ArgumentException($"{nameof(HnswM)} must be between 2 and 100 (pgvector's range); got {HnswM}.", nameof(HnswM));
        if (HnswEfConstruction < 2 * HnswM || HnswEfConstruction > 1000)
            throw new ArgumentException(
                $"{nameof(HnswEfConstruction)} must be between 2 × {nameof(HnswM)} ({2 * HnswM}) and 1000 (pgvector's range); got {HnswEfConstruction}.",
                nameof(HnswEfConstruction));
        if (EfSearch is < 1 or > 1000)
            throw new ArgumentException($"{nameof(EfSearch)} must be between 1 and 1000 (pgvector's range); got {EfSearch}.", nameof(EfSearch));
        if (RetryCount < 0)
            throw new ArgumentException($"{nameof(RetryCount)} must be 0 or more; got {RetryCount}.", nameof(RetryCount));
        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromMinutes(1))
            throw new ArgumentException($"{nameof(RetryDelay)} must be between 0 and one minute; got {RetryDelay}.", nameof(RetryDelay));
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex PlainIdentifier();
}
