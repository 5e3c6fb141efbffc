namespace MarketingAutomation;

/// <summary>Holds marketing while the customer has an unresolved support contact newer than <see cref="Lookback"/>: no promotions to someone with an open complaint.</summary>
public sealed class OpenSupportIssuePolicy : IPolicy
{
    /// <summary>Gets how recent an unresolved support contact must be to hold marketing.</summary>
    /// <value>The default value is 14 days.</value>
    public Duration Lookback { get; init; } = Duration.FromDays(14);

    /// <inheritdoc />
    public string Name => "open-support-issue";

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in PolicyContext context)
    {
        if (context.Candidate.Purpose != MessagePurpose.Marketing)
        {
            return PolicyVerdict.Allow;
        }

        var contacts = context.Customer.Customer.SupportContacts;
        var since = context.Now - Lookback;
        var newest = Instant.MinValue;
        for (var i = 0; i < contacts.Length; i++)
        {
            if (!contacts[i].Resolved && contacts[i].At > since && contacts[i].At > newest)
            {
                newest = contacts[i].At;
            }
        }

        return newest == Instant.MinValue
            ? PolicyVerdict.Allow
            : PolicyVerdict.DeferUntil(newest + Lookback, "OpenSupportIssue", "The customer has an unresolved support contact.");
    }
}
