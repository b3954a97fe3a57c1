using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FaceEmbeddings.Tests.Infrastructure;

/// <summary>One TorchSharp dispose scope that stays open while its method is suspended.</summary>
public sealed record SuspendedDisposeScope(string File, int ScopeLine, int SuspensionLine, string Suspension)
{
    /// <inheritdoc/>
    public override string ToString() => $"{File}:{ScopeLine}: the dispose scope opened here is still open at the {Suspension} on line {SuspensionLine}";
}

/// <summary>
/// Finds, from the syntax alone, every <c>NewDisposeScope()</c> whose extent holds an <c>await</c> (also
/// <c>await foreach</c> and <c>await using</c>) or a <c>yield</c> of the same method. TorchSharp keeps the current
/// dispose scope per thread: while the method is suspended its scope stays current on the thread it left, so whatever
/// runs there next (another request's continuation, another test) registers its tensors in that scope, and they are
/// disposed under it when the scope ends, often on another thread ("Tensor invalid -- empty handle").
/// </summary>
public static class DisposeScopeSuspensionScanner
{
    /// <summary>The suspended scopes in <paramref name="sources"/> (path, text).</summary>
    public static IReadOnlyList<SuspendedDisposeScope> Scan(IEnumerable<(string Path, string Text)> sources)
    {
        var found = new List<SuspendedDisposeScope>();
        foreach ((string path, string text) in sources)
        {
            SyntaxNode root = CSharpSyntaxTree.ParseText(text, path: path).GetRoot();
            foreach (InvocationExpressionSyntax scope in root.DescendantNodes().OfType<InvocationExpressionSyntax>().Where(OpensDisposeScope))
            {
                SyntaxNode function = EnclosingFunction(scope);
                SyntaxNode? suspension = Extent(scope)
                    .SelectMany(node => node.DescendantNodesAndSelf())
                    .FirstOrDefault(node => Suspends(node) && EnclosingFunction(node) == function);
                if (suspension is not null)
                    found.Add(new SuspendedDisposeScope(path, LineOf(scope), LineOf(suspension), Describe(suspension)));
            }
        }
        return found;
    }

    private static bool OpensDisposeScope(InvocationExpressionSyntax invocation) => invocation.Expression switch
    {
        IdentifierNameSyntax name => name.Identifier.ValueText == "NewDisposeScope",
        MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText == "NewDisposeScope",
        _ => false,
    };

    /// <summary>
    /// The statements during which the scope is current: a <c>using (…)</c> statement's body, or the rest of the block
    /// after a <c>using var</c> (or any other) declaration of it.
    /// </summary>
    private static IEnumerable<SyntaxNode> Extent(InvocationExpressionSyntax scope)
    {
        if (scope.FirstAncestorOrSelf<UsingStatementSyntax>() is { } usingStatement
            && (usingStatement.Expression?.Span.Contains(scope.Span) == true || usingStatement.Declaration?.Span.Contains(scope.Span) == true))
            return [usingStatement.Statement];
        StatementSyntax? statement = scope.FirstAncestorOrSelf<StatementSyntax>();
        return statement?.Parent switch
        {
            BlockSyntax block => block.Statements.SkipWhile(s => s != statement).Skip(1),
            SwitchSectionSyntax section => section.Statements.SkipWhile(s => s != statement).Skip(1),
            GlobalStatementSyntax global => global.Parent!.ChildNodes().OfType<GlobalStatementSyntax>().SkipWhile(s => s != global).Skip(1),
            _ => [],
        };
    }

    private static bool Suspends(SyntaxNode node) => node switch
    {
        AwaitExpressionSyntax => true,
        YieldStatementSyntax => true,
        ForEachStatementSyntax loop => loop.AwaitKeyword != default,
        ForEachVariableStatementSyntax loop => loop.AwaitKeyword != default,
        UsingStatementSyntax statement => statement.AwaitKeyword != default,
        LocalDeclarationStatementSyntax declaration => declaration.AwaitKeyword != default,
        _ => false,
    };

    private static string Describe(SyntaxNode suspension) => suspension switch
    {
        YieldStatementSyntax => "yield",
        AwaitExpressionSyntax => "await",
        ForEachStatementSyntax or ForEachVariableStatementSyntax => "await foreach",
        _ => "await using",
    };

    /// <summary>The method, accessor, local function or lambda whose body <paramref name="node"/> runs in.</summary>
    private static SyntaxNode EnclosingFunction(SyntaxNode node) =>
        node.Ancestors().FirstOrDefault(ancestor => ancestor is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax
            or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax or CompilationUnitSyntax)!;

    private static int LineOf(SyntaxNode node) => node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
}
