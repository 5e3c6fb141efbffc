namespace MarketingAutomation;

/// <summary>
/// Welcome sequence for new subscribers: ordered steps, step <c>k</c> due <see cref="StepDelays"/>[k] after sign-up and never before
/// step <c>k-1</c> went out plus <see cref="MinimumGap"/>. Only customers who signed up within <see cref="NewSubscriberWindow"/> start it.
/// Variants are matched to steps by <see cref="ContentVariant.Step"/>.
/// </summary>
public sealed class WelcomeSequenceGoal : Goal
{
    /// <summary>Initializes a new instance of the <see cref="WelcomeSequenceGoal"/> class with three default steps (day 0, 2 and 5).</summary>
    /// <param name="id">The goal id.</param>
    public WelcomeSequenceGoal(string id = "welcome")
        : base(id)
    {
        Priority = 70;
        Value = 3.0;
        Variants =
        [
            new ContentVariant("welcome-1") { Step = 0, Subject = "Welcome, {{FirstName}}!", Body = "Thanks for joining us, {{FirstName}}. Here is what to expect.", ShortBody = "Welcome! Thanks for joining." },
            new ContentVariant("welcome-2") { Step = 1, Subject = "Getting the most out of your account", Body = "A few tips to get started.", ShortBody = "Tip: get started in 2 minutes." },
            new ContentVariant("welcome-3") { Step = 2, Subject = "A thank-you for new members", Body = "Enjoy 10% off your next order with code WELCOME10.", ShortBody = "10% off with WELCOME10.", Offer = new Offer("welcome10", 10m) { Code = "WELCOME10" } },
        ];
    }

    /// <summary>Gets the delay after sign-up of each step (index = step).</summary>
    /// <value>The default value is 0, 2 and 5 days.</value>
    public ImmutableArray<Duration> StepDelays { get; init; } = [Duration.Zero, Duration.FromDays(2), Duration.FromDays(5)];

    /// <summary>Gets the least time between two steps.</summary>
    /// <value>The default value is 1 day.</value>
    public Duration MinimumGap { get; init; } = Duration.FromDays(1);

    /// <summary>Gets how recent a sign-up must be for the sequence to start.</summary>
    /// <value>The default value is 14 days.</value>
    public Duration NewSubscriberWindow { get; init; } = Duration.FromDays(14);

    /// <inheritdoc />
    public override void Propose(CustomerContext customer, Instant now, CandidateSink sink)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(sink);
        if (customer.Customer.SignedUpAt is not { } signedUp || signedUp > now + Duration.FromDays(1))
        {
            return;
        }

        var last = customer.LastMessageOf(Id);
        var step = last is null ? 0 : last.Step + 1;
        if (step >= StepDelays.Length || (last is null && now - signedUp > NewSubscriberWindow))
        {
            return;
        }

        var due = signedUp + StepDelays[step];
        if (last is not null && last.ScheduledAt + MinimumGap > due)
        {
            due = last.ScheduledAt + MinimumGap;
        }

        if (now < due)
        {
            sink.WakeAt(due);
            return;
        }

        var variants = Variants;
        for (var i = 0; i < variants.Length; i++)
        {
            if (variants[i].Step == step)
            {
                sink.Propose(variants[i]);
            }
        }
    }

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
        {
            yield return problem;
        }

        for (var step = 0; step < StepDelays.Length; step++)
        {
            var found = false;
            foreach (var v in Variants)
            {
                found |= v.Step == step;
            }

            if (!found)
            {
                yield return $"Goal '{Id}' has a delay for step {step} but no variant with Step = {step}; add one or shorten StepDelays.";
            }
        }
    }
}
