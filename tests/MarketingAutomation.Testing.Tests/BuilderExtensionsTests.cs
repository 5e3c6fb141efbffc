using MarketingAutomation.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingAutomation.Testing.Tests;

public sealed class BuilderExtensionsTests
{
    [Fact]
    public void UseInMemoryStore_without_an_instance_uses_one_singleton_for_store_queue_and_services()
    {
        var builder = new TestBuilder();

        builder.UseInMemoryStore();

        using var services = builder.Services.BuildServiceProvider();
        var registered = services.GetRequiredService<InMemoryCustomerStore>();
        Assert.Same(registered, builder.CustomerStore!(services));
        Assert.Same(registered, builder.ReviewQueue!(services));
    }

    [Fact]
    public void UseInMemoryStore_with_an_instance_uses_that_instance()
    {
        var builder = new TestBuilder();
        var store = new InMemoryCustomerStore();

        builder.UseInMemoryStore(store);

        using var services = builder.Services.BuildServiceProvider();
        Assert.Same(store, services.GetRequiredService<InMemoryCustomerStore>());
        Assert.Same(store, builder.CustomerStore!(services));
        Assert.Same(store, builder.ReviewQueue!(services));
    }

    [Fact]
    public void AddRecordingChannel_configures_the_channel_and_registers_it_by_name()
    {
        var builder = new TestBuilder();

        builder
            .AddRecordingChannel("sms", ChannelKind.Sms, c => c.Capabilities = new ChannelCapabilities { MaxBodyLength = 160 })
            .AddRecordingChannel(new RecordingChannel("email", ChannelKind.Email));

        using var services = builder.Services.BuildServiceProvider();
        Assert.Equal(2, builder.Channels.Count);
        var sms = Assert.IsType<RecordingChannel>(builder.Channels[0](services));
        Assert.Equal("sms", sms.Name);
        Assert.Equal(ChannelKind.Sms, sms.Kind);
        Assert.Equal(160, sms.Capabilities.MaxBodyLength);
        Assert.Same(sms, services.GetRequiredKeyedService<RecordingChannel>("sms"));
        Assert.Same(builder.Channels[1](services), services.GetRequiredKeyedService<RecordingChannel>("email"));
    }

    [Fact]
    public void Builder_extensions_reject_null_arguments()
    {
        Assert.Throws<ArgumentNullException>(() => TestingBuilderExtensions.UseInMemoryStore(null!));
        Assert.Throws<ArgumentNullException>(() => new TestBuilder().AddRecordingChannel((RecordingChannel)null!));
        Assert.ThrowsAny<ArgumentException>(() => new TestBuilder().AddRecordingChannel(" ", ChannelKind.Email));
    }
}
