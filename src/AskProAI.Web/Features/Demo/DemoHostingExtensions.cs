namespace AskProAI.Web.Features.Demo;

/// <summary>Registers the demo's live-call trickle (<c>DemoActivity</c>, off unless enabled).</summary>
internal static class DemoHostingExtensions
{
    /// <summary>Adds <see cref="DemoActivity"/> when <c>DemoActivity:Enabled</c> is true (Development's settings enable it).</summary>
    public static WebApplicationBuilder AddDemoActivity(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoActivityOptions>().BindConfiguration(DemoActivityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        if (builder.Configuration.GetValue<bool>(DemoActivityOptions.SectionName + ":" + nameof(DemoActivityOptions.Enabled)))
        {
            builder.Services.AddHostedService<DemoActivity>();
        }

        return builder;
    }
}
