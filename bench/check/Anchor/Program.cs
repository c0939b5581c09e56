// The check benchmark's anchor: a separate, minimal ASP.NET Core app that answers GET /bare with the same responses
// Palisade's check endpoint gave (captured by bench/check/run.sh, one file per sampled address with its headers in
// FILE.headers as curl -D wrote them, served in turn: the body and every header the endpoint added, such as the quota
// headers), built the way Palisade builds its host (slim builder, PALISADE_ environment variables, no Server header,
// single-line console logging at the same default levels). What Palisade's check path costs beyond this is Palisade's
// own work.
//
//   dotnet Palisade.Bench.Anchor.dll --urls http://127.0.0.1:PORT --answers DIR
var builder = WebApplication.CreateSlimBuilder(args);
builder.Configuration.AddEnvironmentVariables("PALISADE_");
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);

// Palisade's shipped appsettings.json levels: framework categories at Warning, so neither app logs per request.
builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
builder.Logging.AddFilter("System", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
var app = builder.Build();

var folder = app.Configuration["answers"] ?? throw new InvalidOperationException("--answers DIR is required");
var answers = Directory.GetFiles(folder).Where(f => !f.EndsWith(".headers", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
    .Select(f => new Answer(File.ReadAllBytes(f), ReadHeaders(f + ".headers"))).ToArray();
if (answers.Length == 0)
{
    throw new InvalidOperationException($"no answers in {folder}");
}

var next = -1;
app.MapGet("/bare", (HttpContext http) =>
{
    var answer = answers[(int)((uint)Interlocked.Increment(ref next) % (uint)answers.Length)];
    foreach (var (name, value) in answer.Headers)
    {
        http.Response.Headers[name] = value;
    }

    http.Response.ContentType = "application/json; charset=utf-8";
    http.Response.ContentLength = answer.Body.Length;
    return http.Response.Body.WriteAsync(answer.Body, http.RequestAborted).AsTask();
});

// The JIT's count under the name Palisade's /metrics gives it: the benchmark warms each server up until it stops
// compiling (bench/lib.sh, warm_up).
app.MapGet("/metrics", () => $"dotnet_jit_compiled_methods_total {System.Runtime.JitInfo.GetCompiledMethodCount()}\n");
app.Run();

// The headers the endpoint added (curl -D: the status line, then "Name: value" lines); those Kestrel writes itself
// (Date, length, type, framing) are left to it, as for Palisade.
static (string Name, string Value)[] ReadHeaders(string path)
{
    if (!File.Exists(path))
    {
        return [];
    }

    string[] own = ["Date", "Content-Length", "Content-Type", "Transfer-Encoding", "Connection", "Server"];
    return [.. File.ReadAllLines(path).Skip(1).Select(line => line.Split(':', 2)).Where(p => p.Length == 2)
        .Select(p => (Name: p[0].Trim(), Value: p[1].Trim())).Where(h => !own.Contains(h.Name, StringComparer.OrdinalIgnoreCase))];
}

internal sealed record Answer(byte[] Body, (string Name, string Value)[] Headers);
