using System.CommandLine;
using System.Globalization;
using AskProAI.Cli.Api;
using AskProAI.Contracts;
using Spectre.Console;

namespace AskProAI.Cli.Commands;

/// <summary>
/// <c>cache:manage warm --all | --company=ID [--no-wait]</c>: queues a warm job, then follows it with a progress bar
/// until it finishes (or prints the job id and returns at once with <c>--no-wait</c>).
/// </summary>
internal static class WarmCommand
{
    public static Command Create(CliOptions options, CliEnvironment environment)
    {
        var all = new Option<bool>("--all") { Description = "Warm every widget of every company" };
        var company = CliOptions.Company("Warm every widget of this company");
        var noWait = new Option<bool>("--no-wait") { Description = "Print the job id and return without waiting for the job" };
        var command = new Command("warm", "Compute and cache every widget ahead of the first request, for one company or all") { all, company, noWait };
        command.Validators.Add(result =>
        {
            var hasAll = result.GetValue(all);
            var hasCompany = result.GetResult(company) is not null;
            if (hasAll == hasCompany)
            {
                result.AddError("warm needs exactly one of --all or --company=ID.");
            }
        });

        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(
            parseResult,
            options,
            environment,
            async (api, ct) =>
            {
                var companyId = parseResult.GetValue(company);
                var scope = companyId is { } id ? "company " + id.ToString(CultureInfo.InvariantCulture) : "all companies";
                var started = await api.WarmAsync(new WarmRequest(companyId, companyId is null ? true : null), ct);
                if (parseResult.GetValue(noWait))
                {
                    await environment.Out.WriteLineAsync(started.JobId);
                    await environment.Error.WriteLineAsync(
                        $"Queued warm job {started.JobId} for {scope} ({Count(started.Companies, "company", "companies")}, "
                        + $"{Count(started.Widgets, "widget", "widgets")}); follow it at GET /api/admin/cache/jobs/{started.JobId}.");
                    return ExitCodes.Success;
                }

                var startedAt = environment.Time.GetTimestamp();
                var job = await FollowAsync(api, environment, started, scope, ct);
                var elapsed = environment.Time.GetElapsedTime(startedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
                if (job.State == "failed" || job.Failed > 0)
                {
                    throw new CliException(
                        ExitCodes.ServerError,
                        $"Warm job {job.JobId} for {scope} {job.State}: {job.Failed.ToString(CultureInfo.InvariantCulture)} of "
                        + $"{job.Total.ToString(CultureInfo.InvariantCulture)} widget computations failed; see the service's log.");
                }

                await environment.Out.WriteLineAsync(
                    $"Warmed {Count(job.Completed, "widget value", "widget values")} for {scope} (job {job.JobId}) in {elapsed} s.");
                return ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }

    private static Task<JobStatus> FollowAsync(
        AdminApiClient api, CliEnvironment environment, JobAccepted started, string scope, CancellationToken cancellationToken)
    {
        if (!environment.Console.Profile.Capabilities.Interactive)
        {
            return FollowPlainAsync(api, environment, started, scope, cancellationToken);
        }

        return environment.Console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"Warming {Markup.Escape(scope)}", maxValue: Math.Max(1, started.Companies * started.Widgets));
                while (true)
                {
                    var job = await api.GetJobAsync(started.JobId, cancellationToken);
                    task.MaxValue = Math.Max(1, job.Total);
                    task.Value = job.IsFinished ? task.MaxValue : job.Completed + job.Failed;
                    if (job.IsFinished)
                    {
                        task.StopTask();
                        return job;
                    }

                    await Task.Delay(environment.PollInterval, environment.Time, cancellationToken);
                }
            });
    }

    // Redirected output (CI logs, pipes) cannot redraw a bar: one line on standard error per change instead.
    private static async Task<JobStatus> FollowPlainAsync(
        AdminApiClient api, CliEnvironment environment, JobAccepted started, string scope, CancellationToken cancellationToken)
    {
        string? last = null;
        while (true)
        {
            var job = await api.GetJobAsync(started.JobId, cancellationToken);
            var line = $"Warming {scope}: {job.Completed + job.Failed}/{job.Total} ({job.State})";
            if (line != last)
            {
                await environment.Error.WriteLineAsync(line);
                last = line;
            }

            if (job.IsFinished)
            {
                return job;
            }

            await Task.Delay(environment.PollInterval, environment.Time, cancellationToken);
        }
    }

    private static string Count(int count, string one, string many) =>
        count.ToString("N0", CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);
}
