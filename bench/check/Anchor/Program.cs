// The check benchmark's anchor: a separate, minimal ASP.NET Core app that answers GET /bare with the same bytes
// Palisade's check endpoint answered (captured by bench/check/run.sh, one file per sampled address, served in turn),
// built the way Palisade builds its host (slim builder, PALISADE_ environment variables, no Server header, single-line
// console logging at the same default levels). What Palisade's check path costs beyond this is Palisade's own work.
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
var answers = Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
if (answers.Length == 0)
{
    throw new InvalidOperationException($"no answers in {folder}");
}

var next = -1;
app.MapGet("/bare", (HttpContext http) =>
{
    var body = answers[(int)((uint)Interlocked.Increment(ref next) % (uint)answers.Length)];
    http.Response.ContentType = "application/json; charset=utf-8";
    http.Response.ContentLength = body.Length;
    return http.Response.Body.WriteAsync(body, http.RequestAborted).AsTask();
});
app.Run();
