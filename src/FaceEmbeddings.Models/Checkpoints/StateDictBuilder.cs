using static TorchSharp.torch;

namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>
/// Turns the unpickled state dict into tensors: each <see cref="TensorRecord"/> becomes a strided view of its
/// storage (bounds-checked first), copied into contiguous memory where the view is not contiguous.
/// </summary>
internal static class StateDictBuilder
{
    /// <summary>The tensors of <paramref name="contents"/>, keyed and ordered as in the state dict.</summary>
    /// <param name="contents">The root object and the storages, all read.</param>
    /// <param name="file">Names the file in messages; its length bounds the memory copies may take.</param>
    public static OrderedDictionary<string, Tensor> Build(CheckpointContents contents, CheckpointInput file)
    {
        if (contents.Root is not PickleDict stateDict)
            throw file.Error($"the checkpoint holds a {RestrictedUnpickler.Describe(contents.Root)} where a state dict (a dict of tensors) was expected.");

        // Contiguous views share their storage; only copies of non-contiguous views need new memory, and a
        // well-formed checkpoint never needs more of it than its storages occupy in the file.
        long copyBudget = file.Length;
        var tensors = new OrderedDictionary<string, Tensor>(stateDict.Items.Count, StringComparer.Ordinal);
        foreach ((object key, object? value) in stateDict.Items)
        {
            if (key is not string name)
                throw file.Error($"the state dict has the integer key {key}, where parameter names are strings.");
            if (value is not TensorRecord record)
                throw file.Error($"the state dict has a {RestrictedUnpickler.Describe(value)} under '{name}'; a state dict holds only tensors.");
            tensors.Add(name, Materialize(name, record, file, ref copyBudget));
        }
        return tensors;
    }

    private static Tensor Materialize(string name, TensorRecord record, CheckpointInput file, ref long copyBudget)
    {
        StorageSlice slice = record.Storage;
        Tensor storage = slice.Storage.Data
            ?? throw file.Error($"the checkpoint has no bytes for storage '{slice.Storage.Key}', which '{name}' uses.");
        string Layout() => $"'{name}' (size [{string.Join(", ", record.Size)}], stride [{string.Join(", ", record.Stride)}], offset {record.StorageOffset})";

        if (record.Size.Contains(0))
        {
            if (record.StorageOffset > slice.ElementCount)
                throw file.Error($"the state dict places the empty tensor {Layout()} beyond the {slice.ElementCount} elements of its storage.");
            return empty(record.Size, storage.dtype);
        }

        try
        {
            long elementCount = 1;
            long lastElement = record.StorageOffset;
            for (int i = 0; i < record.Size.Length; i++)
            {
                elementCount = checked(elementCount * record.Size[i]);
                lastElement = checked(lastElement + ((record.Size[i] - 1) * record.Stride[i]));
            }
            if (lastElement >= slice.ElementCount)
                throw file.Error($"the state dict has the tensor {Layout()}, which reaches element {lastElement} of a storage with {slice.ElementCount} elements.");

            Tensor view = storage.as_strided(record.Size, record.Stride, slice.ElementOffset + record.StorageOffset);
            if (view.is_contiguous())
                return view;
            copyBudget -= checked(elementCount * storage.ElementSize);
            if (copyBudget < 0)
                throw file.Error($"the state dict has the overlapping view {Layout()}; copying such views would take more memory than the file holds.");
            return view.contiguous();
        }
        catch (OverflowException e)
        {
            throw file.Error($"the state dict has the tensor {Layout()}, whose extent overflows a 64-bit integer.", e);
        }
    }
}
