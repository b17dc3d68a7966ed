using AskProAI.Cli.Tests.Infrastructure;

namespace AskProAI.Cli.Tests.Commands;

/// <summary><c>cache:manage mode</c> as a real process, on a service of its own (the mode is service-wide state).</summary>
public sealed class ModeProcessTests(ModeProcessTests.Fixture service) : IClassFixture<ModeProcessTests.Fixture>
{
    private string[] Admin => ["--url", service.BaseAddress, "--token", ServiceFixture.AdminToken];

    [Fact]
    public async Task Mode_SetsThenShowsInStats()
    {
        var set = await Askpro.RunProcessAsync(["cache:manage", "mode", "--mode=legacy", "--widget=recent_calls", .. Admin]);
        var stats = await Askpro.RunProcessAsync(["cache:manage", "stats", .. Admin]);
        var back = await Askpro.RunProcessAsync(["cache:manage", "mode", "--mode", "Optimized", "--percent", "100", .. Admin]);

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal("Set mode Legacy on widget recent_calls.", set.Out.Trim());
        Assert.True(stats.ExitCode == 0, stats.ToString());
        var row = stats.Out.Split('\n').Single(line => line.Contains(" recent_calls ", StringComparison.Ordinal) && line.Contains('│'));
        Assert.Contains(" Legacy ", row, StringComparison.Ordinal);
        Assert.True(back.ExitCode == 0, back.ToString());
        Assert.StartsWith("Set mode Optimized on widgets ", back.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mode_UnknownWidget_Exit5()
    {
        var result = await Askpro.RunProcessAsync(["cache:manage", "mode", "--mode=Legacy", "--widget=nope", .. Admin]);

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("live_calls", result.Error, StringComparison.Ordinal);
    }

    public sealed class Fixture : ServiceFixture;
}
