using AskProAI.LoadTest;

// The AskProAI load simulator: dashboard viewers polling as the page does, plus signed call webhooks, against
// running service instances on this machine, in each cache mode in turn. See docs/benchmarks.md.
// Exit code 1: an error, a lost webhook (acknowledged but not in the database) or a database check that could not run.
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var cts = new CancellationTokenSource(options.Duration * (options.Modes.Count + 1) + TimeSpan.FromMinutes(5));
using var client = new ServiceClient(options);
await client.LoginAsync(cts.Token);
var results = new List<PhaseResult>();
foreach (var mode in options.Modes)
{
    Console.WriteLine($"== {options.Label}: {mode} for {options.Duration.TotalSeconds:F0} s, {options.Companies} companies x {options.ViewersPerCompany} viewers, {options.WebhooksPerSecond}/s webhooks");
    var phase = await new Phase(client, options, mode).RunAsync(cts.Token);
    results.Add(phase);
    Console.WriteLine(Report.Line(phase));
}

Directory.CreateDirectory(options.Output);
await Report.WriteAsync(options, results, cts.Token);
Console.WriteLine(Report.Markdown(options, results));
return results.Any(r => r.Failed) ? 1 : 0;
