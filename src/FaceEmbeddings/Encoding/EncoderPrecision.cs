namespace FaceEmbeddings.Encoding;

/// <summary>Element type an encoder computes its convolutions in.</summary>
public enum EncoderPrecision
{
    /// <summary>float32 throughout: facenet-pytorch's results to about 1e-6.</summary>
    Full,

    /// <summary>
    /// bfloat16 convolutions (the first convolution and the final layers stay float32): faster where the processor computes bfloat16 natively
    /// (AVX512-BF16, AMX, recent GPUs), slower elsewhere; embeddings keep a cosine similarity of at least 0.999
    /// with the float32 ones.
    /// </summary>
    BFloat16,
}
