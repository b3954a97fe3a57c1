namespace FaceEmbeddings.Audit;

/// <summary>
/// The groups cannot be audited as asked: no group has the people the audit needs
/// (<see cref="BiasAuditOptions.MinimumGroupSize"/>, <see cref="AttributeAuditOptions.MinimumGroupSize"/>), or a comparison
/// names a group that is missing or too small. A fact about the data and the request, which a front end reports as
/// such, unlike a malformed argument.
/// </summary>
public sealed class AuditGroupsException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What does not fit, naming the groups.</param>
    /// <param name="paramName">The argument that holds the groups or the comparisons.</param>
    public AuditGroupsException(string message, string paramName)
        : base(message, paramName)
    {
    }
}
