namespace FaceEmbeddings.PostgreSql;

/// <summary>The pgvector column type a <see cref="PostgresFaceGallery"/> stores embeddings in.</summary>
public enum PostgresEmbeddingStorage
{
    /// <summary><c>vector(D)</c>: 32-bit floats, 4·D + 8 bytes a face.</summary>
    Vector,

    /// <summary><c>halfvec(D)</c>: 16-bit floats, 2·D + 8 bytes a face; distances differ from float32 by about 1e-3.</summary>
    HalfVector,
}
