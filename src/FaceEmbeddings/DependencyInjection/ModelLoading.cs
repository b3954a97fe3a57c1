namespace FaceEmbeddings.DependencyInjection;

/// <summary>When <c>AddFaceEmbeddings</c> loads the detector and the encoder.</summary>
public enum ModelLoading
{
    /// <summary>On first use: the first request that needs a model waits while it loads (and, the first time on a
    /// machine, downloads).</summary>
    Lazy,

    /// <summary>While the host starts (a hosted service), so that the first request finds the models ready and a missing
    /// or invalid model stops the start. Without a host (a bare <c>ServiceProvider</c>), models load on first use.</summary>
    AtStartup,
}
