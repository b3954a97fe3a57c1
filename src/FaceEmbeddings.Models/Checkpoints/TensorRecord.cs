namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>
/// A tensor as <c>torch._utils._rebuild_tensor_v2</c> describes it: a strided view of a storage slice.
/// It is only a description; the tensor is made once the storage bytes have been read.
/// </summary>
internal sealed record TensorRecord(StorageSlice Storage, long StorageOffset, long[] Size, long[] Stride);
