namespace MarketingAutomation;

/// <summary>One way to reach a customer: an address on a channel kind, with its validity.</summary>
/// <param name="Kind">The channel kind this address belongs to.</param>
/// <param name="Address">The address: an e-mail address, an E.164 phone number (<c>+14155550100</c>), a push token or an in-app handle. Personal data: never logged above Trace.</param>
public sealed record ContactPoint(ChannelKind Kind, string Address)
{
    /// <summary>Gets a value indicating whether the address may be used. A hard bounce or a permanent rejection sets it to <see langword="false"/>.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool IsValid { get; init; } = true;

    /// <summary>Gets the reason the address was disabled, when <see cref="IsValid"/> is <see langword="false"/>.</summary>
    public string? InvalidReason { get; init; }

    /// <summary>Gets when the address was confirmed or last known to work, if known.</summary>
    public Instant? VerifiedAt { get; init; }
}
