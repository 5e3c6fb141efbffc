using MarketingAutomation.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NodaTime.Testing;

namespace MarketingAutomation.Tests.Builder;

public sealed class HostStartupTests
{
    [Fact]
    public async Task StartAsync_Misconfigured_ThrowsOptionsValidationExceptionListingEveryProblem()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<IClock>(new FakeClock(Customers.Now));
        builder.Services.AddMarketingAutomation(o => o.BatchSize = 0);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(typeof(MarketingAutomationOptions), ex.OptionsType);
        Assert.Equal(5, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.Contains("SetDecisionStrategy", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("SetCustomerStore", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("AddChannel", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("AddGoal", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("BatchSize is 0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_Misconfigured_ReportsTheSameMessagesAsResolvingThePipeline()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<IClock>(new FakeClock(Customers.Now));
        builder.Services.AddMarketingAutomation(o => o.Dispatch.MaxAttempts = 0).AddWelcomeSequence();
        using var host = builder.Build();

        var atStart = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        var atResolve = Assert.ThrowsAny<Exception>(() => host.Services.GetRequiredService<MarketingPipeline>());

        // Resolving should throw MarketingAutomationConfigurationException (it currently throws the validator's exception: see the BUG tests).
        IEnumerable<string> resolved = atResolve is MarketingAutomationConfigurationException config ? config.Problems : ((OptionsValidationException)atResolve).Failures;
        Assert.Equal(4, atStart.Failures.Count());
        Assert.Equal(resolved, atStart.Failures);
    }

    [Fact]
    public async Task StartAsync_ProblemOnlyVisibleWhenBuildingThePipeline_FailsStartWithAllProblems()
    {
        // Duplicate channel names cannot be seen without creating the channels: start must still fail, naming the problem.
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<IClock>(new FakeClock(Customers.Now));
        builder.Services.AddMarketingAutomation()
            .WithDefaults()
            .AddWelcomeSequence()
            .AddChannel(new RecordingChannel("email", ChannelKind.Email));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<MarketingAutomationConfigurationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Two channels are named 'email'", Assert.Single(ex.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ValidComposition_StartsAndStops()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<IClock>(new FakeClock(Customers.Now));
        builder.Services.AddMarketingAutomation().WithDefaults().AddWelcomeSequence();
        using var host = builder.Build();

        await host.StartAsync(TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);

        Assert.Single(host.Services.GetRequiredService<MarketingPipeline>().Goals);
    }
}
