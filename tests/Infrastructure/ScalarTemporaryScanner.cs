using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;

namespace FaceEmbeddings.Tests.Infrastructure;

/// <summary>One place where C# code lets a TorchSharp <c>Scalar</c> die during the native call that reads it.</summary>
public sealed record ScalarTemporary(string File, int Line, string Code, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"{File}:{Line}: {Reason}: {Code}";
}

/// <summary>
/// Compiles C# sources with Roslyn against the assemblies this test process runs with and finds, with the semantic
/// model, every TorchSharp <c>Scalar</c> that lives only for one expression: an implicit (user-defined) conversion of a
/// number to <c>Scalar</c> (<c>t * 2.0f</c>, <c>t.add(1)</c>, <c>clamp(0, 2)</c>), a <c>ToScalar()</c> call passed on
/// directly, and a call of a TorchSharp member that makes such a Scalar itself
/// (<see cref="TorchSharpScalarTemporaries"/>: <c>a + b</c> on tensors, <c>linalg.vector_norm</c>, <c>square()</c>,
/// <c>ToDouble()</c>, …). A Scalar is kept alive, and accepted, when it initializes a <c>using</c> local or a
/// <c>static readonly</c> field.
/// </summary>
public static class ScalarTemporaryScanner
{
    /// <summary>CS8795: a partial method with accessibility has no implementation (a source generator writes it).</summary>
    private const string GeneratedPartialMethodMissing = "CS8795";

    private static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    /// <summary>Compiles <paramref name="sources"/> (path, text) as one assembly and returns its Scalar temporaries.</summary>
    /// <param name="assemblyName">The assembly's name (it decides which <c>InternalsVisibleTo</c> apply).</param>
    /// <param name="sources">The files, by the path to report.</param>
    /// <param name="references">Paths of the assemblies it compiles against.</param>
    /// <param name="outputKind">A library, or an executable (top-level statements).</param>
    /// <param name="errors">The compiler's errors, less those of partial methods that a source generator implements
    /// (<c>[LoggerMessage]</c>; generators do not run here): a scan of code that does not compile proves nothing.</param>
    /// <param name="extraUsings">Global usings the project adds to the SDK's implicit ones.</param>
    public static IReadOnlyList<ScalarTemporary> Scan(string assemblyName, IEnumerable<(string Path, string Text)> sources,
                                                      IEnumerable<string> references, OutputKind outputKind, out IReadOnlyList<string> errors,
                                                      IReadOnlyList<string>? extraUsings = null)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        string globalUsings = string.Concat(ImplicitUsings.Concat(extraUsings ?? []).Select(name => $"global using global::{name};\n"));
        List<SyntaxTree> trees = [CSharpSyntaxTree.ParseText(globalUsings, parse, "GlobalUsings.g.cs"),
                                  .. sources.Select(source => CSharpSyntaxTree.ParseText(source.Text, parse, source.Path))];
        var compilation = CSharpCompilation.Create(assemblyName, trees, references.Select(path => MetadataReference.CreateFromFile(path)),
            new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        errors = [.. compilation.GetDiagnostics()
            .Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error && diagnostic.Id != GeneratedPartialMethodMissing)
            .Select(diagnostic => diagnostic.ToString())];

        INamedTypeSymbol scalar = compilation.GetTypeByMetadataName("TorchSharp.Scalar")
            ?? throw new InvalidOperationException("TorchSharp.Scalar is not among the references.");
        var found = new List<ScalarTemporary>();
        foreach (SyntaxTree tree in trees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                if (model.GetOperation(node) is not { Parent: null } root) continue;
                foreach (IOperation operation in root.DescendantsAndSelf())
                    if (Reason(operation, scalar) is { } reason)
                        found.Add(new ScalarTemporary(tree.FilePath, operation.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1,
                                                      operation.Syntax.ToString(), reason));
            }
        }
        return [.. found.Distinct()];
    }

    /// <summary>The assemblies this process was started with (the test project's dependencies), by path.</summary>
    public static IEnumerable<string> ProcessReferences() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Where(path => path.Length > 0);

    private static string? Reason(IOperation operation, INamedTypeSymbol scalar)
    {
        switch (operation)
        {
            case IConversionOperation { OperatorMethod: { } conversion } when SymbolEqualityComparer.Default.Equals(conversion.ReturnType, scalar):
                return IsKeptAlive(operation) ? null : "implicit Scalar made by a conversion and dropped during the call";
            case IInvocationOperation invocation when SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ReturnType, scalar)
                                                      && IsTorchSharp(invocation.TargetMethod):
                return IsKeptAlive(operation) ? null : "Scalar passed on without a using that keeps it alive";
        }
        IMethodSymbol? member = operation switch
        {
            IInvocationOperation invocation => invocation.TargetMethod,
            IObjectCreationOperation creation => creation.Constructor,
            IBinaryOperation binary => binary.OperatorMethod,
            IUnaryOperation unary => unary.OperatorMethod,
            ICompoundAssignmentOperation compound => compound.OperatorMethod,
            IConversionOperation conversion => conversion.OperatorMethod,
            IPropertyReferenceOperation property => property.Property.GetMethod ?? property.Property.SetMethod,
            IMethodReferenceOperation reference => reference.Method,
            _ => null,
        };
        return member is not null && IsTorchSharp(member) && TorchSharpScalarTemporaries.UnsafeMethodKeys.Contains(KeyOf(member))
            ? $"TorchSharp's {member.ContainingType.Name}.{member.Name} makes a Scalar it does not keep alive"
            : null;
    }

    private static bool IsTorchSharp(IMethodSymbol method) => method.ContainingAssembly?.Name == "TorchSharp";

    /// <summary>True when the Scalar <paramref name="operation"/> makes initializes a <c>using</c> local or a static readonly field.</summary>
    private static bool IsKeptAlive(IOperation operation)
    {
        switch (operation.Parent)
        {
            case IFieldInitializerOperation field:
                return field.InitializedFields.All(symbol => symbol.IsStatic && symbol.IsReadOnly);
            case IVariableInitializerOperation initializer:
                for (IOperation? owner = initializer.Parent; owner is not null; owner = owner.Parent)
                {
                    if (owner is IUsingDeclarationOperation or IUsingOperation) return true;
                    if (owner is not (IVariableDeclaratorOperation or IVariableDeclarationOperation or IVariableDeclarationGroupOperation)) return false;
                }
                return false;
            default:
                return false;
        }
    }

    /// <summary>The key <see cref="TorchSharpScalarTemporaries.KeyOf(MethodBase)"/> gives the same method.</summary>
    private static string KeyOf(IMethodSymbol method)
    {
        IMethodSymbol definition = (method.ReducedFrom ?? method).OriginalDefinition;
        string parameters = string.Join(",", definition.Parameters.Select(parameter => TypeName(parameter.Type)));
        return $"{TypeFullName(definition.ContainingType)}::{definition.MetadataName}({parameters})→{TypeName(definition.ReturnType)}";
    }

    private static string TypeFullName(INamedTypeSymbol type) => type.ContainingType is { } outer
        ? TypeFullName(outer) + "+" + type.MetadataName
        : (type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString() + ".") + type.MetadataName;

    private static string TypeName(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => TypeName(array.ElementType) + "[" + new string(',', array.Rank - 1) + "]",
        IPointerTypeSymbol pointer => TypeName(pointer.PointedAtType) + "*",
        _ => type.MetadataName,
    };
}
