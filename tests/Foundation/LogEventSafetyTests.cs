using System.Reflection;
using FaceEmbeddings.PostgreSql;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Samples.WebApi;
using Microsoft.Extensions.Logging;

namespace FaceEmbeddings.Tests.Foundation;

/// <summary>
/// No log event of the library, the PostgreSQL gallery or the sample service can carry a face: every event is a
/// [LoggerMessage] method (the analyzers refuse other logging calls), and none of them takes anything but text,
/// numbers, times, enums and exceptions: no tensor, array, stream or image.
/// </summary>
public sealed class LogEventSafetyTests
{
    private static readonly Type[] Allowed =
        [typeof(string), typeof(TimeSpan), typeof(DateTimeOffset), typeof(DateTime), typeof(Uri), typeof(ILogger), typeof(LogLevel)];

    [Fact]
    public void Every_log_event_takes_only_text_numbers_times_enums_and_exceptions()
    {
        Assembly[] assemblies =
        [
            typeof(InMemoryFaceGallery).Assembly, typeof(Models.Store.ModelStore).Assembly, typeof(PostgresFaceGallery).Assembly,
            typeof(SampleOptions).Assembly,
        ];
        MethodInfo[] events = assemblies.SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(method => method.GetCustomAttribute<LoggerMessageAttribute>() is not null)
            .ToArray();

        events.Should().HaveCountGreaterThan(15, "the scan finds the event methods");
        events.Select(method => method.DeclaringType!.Name).Should().Contain(["FaceEmbeddingsLog", "FaceDatasetLog", "ModelStoreLog", "PostgresGalleryLog", "AuditTrail"]);
        events.SelectMany(method => method.GetParameters().Where(parameter => !IsSafe(parameter.ParameterType))
                .Select(parameter => $"{method.DeclaringType!.FullName}.{method.Name}({parameter.ParameterType.Name} {parameter.Name})"))
            .Should().BeEmpty();
    }

    private static bool IsSafe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(decimal) || typeof(Exception).IsAssignableFrom(type) || Allowed.Contains(type);
    }
}
