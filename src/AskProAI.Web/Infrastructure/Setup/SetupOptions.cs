namespace AskProAI.Web.Infrastructure.Setup;

/// <summary>What the service does to its database at start.</summary>
internal sealed class SetupOptions
{
    /// <summary>The command line switch that generates demo data (Development only) even when data exists.</summary>
    public const string SeedDemoDataSwitch = "--seed-demo-data";

    /// <summary>Gets or sets whether <see cref="SeedDemoDataSwitch"/> was given.</summary>
    public bool SeedDemoData { get; set; }

    /// <summary>Returns the arguments without the switches handled here, so configuration does not read them as keys.</summary>
    public static string[] WithoutSwitches(string[] args) =>
        [.. args.Where(a => !string.Equals(a, SeedDemoDataSwitch, StringComparison.Ordinal))];
}
