using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("FaceEmbeddings.Tests.Infrastructure.ServiceTestFramework", "FaceEmbeddings.Tests")]

namespace FaceEmbeddings.Tests.Infrastructure;

/// <summary>
/// Marks a test class whose tests need an outside service (a database server, a browser) that the test script sets
/// up. When the service is missing, every test of the class (inherited ones too, such as a shared contract suite's)
/// is reported as skipped with <see cref="SkipReason"/>; under CI (<c>CI=true</c>) they run and fail instead.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public abstract class NeedsServiceAttribute : Attribute
{
    /// <summary>Why the service is missing, or null when the tests can use it.</summary>
    public abstract string? MissingReason { get; }

    /// <summary>The reason to skip: <see cref="MissingReason"/>, except under CI where nothing is skipped.</summary>
    public string? SkipReason => SharedData.IsCi ? null : MissingReason;
}

/// <summary>xunit's framework, with the tests of <see cref="NeedsServiceAttribute"/> classes skipped while their service is missing.</summary>
public sealed class ServiceTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    /// <inheritdoc />
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assembly, ISourceInformationProvider sourceProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkDiscoverer(assembly, sourceProvider, diagnosticMessageSink)
    {
        protected override bool FindTestsForMethod(ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus,
            ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            string? skipReason = testMethod.TestClass.Class.GetCustomAttributes(typeof(NeedsServiceAttribute))
                .Select(attribute => ((NeedsServiceAttribute)((IReflectionAttributeInfo)attribute).Attribute).SkipReason)
                .FirstOrDefault(reason => reason is not null);
            if (skipReason is null || !testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Any())
                return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);

            var testCase = new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
                discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, skipReason);
            return ReportDiscoveredTestCase(testCase, includeSourceInformation, messageBus);
        }
    }
}
