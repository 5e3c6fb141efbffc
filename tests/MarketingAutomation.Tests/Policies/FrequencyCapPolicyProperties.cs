using FsCheck;
using FsCheck.Xunit;
using MarketingAutomation.Tests.Pipeline;
using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Policies;

/// <summary>Properties of the frequency cap over random message histories and caps, checked against an independent count.</summary>
public sealed class FrequencyCapPolicyProperties
{
    private static readonly Goal Promo = TestCandidates.Goal("promo");
    private static readonly Goal Receipt = TestCandidates.Goal("receipt", purpose: MessagePurpose.Transactional);
    private static readonly MessageStatus[] Statuses = Enum.GetValues<MessageStatus>();

    private sealed record Case(FrequencyCapPolicy Policy, Goal Goal, ChannelKind Kind, MessageRecord[] History);

    private static Case Build(int[] minutesAgo, byte[] flags, PositiveInt max, PositiveInt windowHours, bool perChannel, bool includeTransactional, bool transactionalCandidate, bool smsCandidate)
    {
        var history = new MessageRecord[minutesAgo.Length];
        for (var i = 0; i < minutesAgo.Length; i++)
        {
            var flag = flags.Length == 0 ? 0 : flags[i % flags.Length];

            // From 20 days ago to 1 day ahead (pending messages may be scheduled later than now).
            var ago = ((minutesAgo[i] % (21 * 24 * 60)) + (21 * 24 * 60)) % (21 * 24 * 60) - (24 * 60);
            history[i] = Message(
                "g",
                "v",
                Now - Duration.FromMinutes(ago),
                (flag & 1) == 0 ? ChannelKind.Email : ChannelKind.Sms,
                Statuses[(flag >> 1) % Statuses.Length],
                (flag & 0x80) == 0 ? MessagePurpose.Marketing : MessagePurpose.Transactional);
        }

        Array.Sort(history, static (a, b) => a.ScheduledAt.CompareTo(b.ScheduledAt));
        var policy = new FrequencyCapPolicy((max.Get % 5) + 1, Duration.FromHours((windowHours.Get % (24 * 14)) + 1), perChannel ? ChannelKind.Sms : null)
        {
            IncludeTransactional = includeTransactional,
        };
        return new Case(policy, transactionalCandidate ? Receipt : Promo, smsCandidate ? ChannelKind.Sms : ChannelKind.Email, history);
    }

    /// <summary>The independent oracle: messages that count in the rolling window (now - window, ...].</summary>
    private static int CountInWindow(Case c, Instant now)
    {
        var count = 0;
        foreach (var m in c.History)
        {
            var counts = m.CountsTowardCaps; // the one definition of which delivery states occupy a slot
            var inWindow = m.ScheduledAt > now - c.Policy.Window;
            var channel = c.Policy.Channel is null || m.Kind == c.Policy.Channel;
            var purpose = c.Policy.IncludeTransactional || m.Purpose == MessagePurpose.Marketing;
            if (counts && inWindow && channel && purpose)
            {
                count++;
            }
        }

        return count;
    }

    private static bool IsCapped(Case c) =>
        (c.Policy.Channel is null || c.Policy.Channel == c.Kind) && (c.Policy.IncludeTransactional || c.Goal.Purpose == MessagePurpose.Marketing);

    private static PolicyVerdict Evaluate(Case c, Instant now)
    {
        var customer = Reachable();
        var context = new PolicyContext(Context(customer, c.History), TestCandidates.For(c.Goal, c.Kind, customer), now);
        return c.Policy.Evaluate(in context);
    }

    [Property(MaxTest = 500)]
    public void Evaluate_RandomHistory_AllowsIffCountInWindowBelowMaxAndDefersIntoTheFuture(
        int[] minutesAgo, byte[] flags, PositiveInt max, PositiveInt windowHours, bool perChannel, bool includeTransactional, bool transactionalCandidate, bool smsCandidate)
    {
        var c = Build(minutesAgo, flags, max, windowHours, perChannel, includeTransactional, transactionalCandidate, smsCandidate);

        var verdict = Evaluate(c, Now);

        Assert.NotEqual(VerdictKind.Deny, verdict.Kind);
        if (!IsCapped(c))
        {
            Assert.Equal(VerdictKind.Allow, verdict.Kind);
            return;
        }

        var count = CountInWindow(c, Now);
        if (verdict.IsAllowed)
        {
            Assert.True(count < c.Policy.MaxMessages, $"allowed with {count} counted messages in the window; the cap is {c.Policy.MaxMessages}");
        }
        else
        {
            Assert.True(count >= c.Policy.MaxMessages, $"deferred with only {count} counted messages; the cap is {c.Policy.MaxMessages}");
            Assert.True(verdict.Until > Now, $"deferred until {verdict.Until}, not after now {Now}");
            Assert.Equal(ReasonCodes.FrequencyCap, verdict.Code);
        }
    }

    [Property(MaxTest = 500)]
    public void Evaluate_ExactlyAtCap_IsAllowedAtTheDeferralInstant(
        int[] minutesAgo, byte[] flags, PositiveInt max, PositiveInt windowHours, bool perChannel, bool includeTransactional, bool smsCandidate)
    {
        var c = Build(minutesAgo, flags, max, windowHours, perChannel, includeTransactional, transactionalCandidate: false, smsCandidate);
        var verdict = Evaluate(c, Now);
        if (verdict.Kind != VerdictKind.Defer || CountInWindow(c, Now) != c.Policy.MaxMessages)
        {
            return;
        }

        var later = Evaluate(c, verdict.Until);
        var justBefore = Evaluate(c, verdict.Until - Duration.Epsilon);

        Assert.True(later.IsAllowed, $"still {later.Kind} at the deferral instant {verdict.Until}");
        Assert.Equal(VerdictKind.Defer, justBefore.Kind);
    }

    [Property(MaxTest = 500)]
    public void Evaluate_AnyDeferral_IsAllowedAtItsInstantAndNotBefore(
        int[] minutesAgo, byte[] flags, PositiveInt max, PositiveInt windowHours, bool perChannel, bool includeTransactional, bool smsCandidate)
    {
        // PolicyVerdict.Until is "the instant from which a deferred candidate may be sent": with the same history, the candidate must
        // be allowed exactly then, and still be deferred one tick earlier.
        var c = Build(minutesAgo, flags, max, windowHours, perChannel, includeTransactional, transactionalCandidate: false, smsCandidate);
        var verdict = Evaluate(c, Now);
        if (verdict.Kind != VerdictKind.Defer)
        {
            return;
        }

        Assert.True(Evaluate(c, verdict.Until).IsAllowed, $"still capped at the deferral instant {verdict.Until} ({CountInWindow(c, Now)} counted, cap {c.Policy.MaxMessages})");
        Assert.Equal(VerdictKind.Defer, Evaluate(c, verdict.Until - Duration.Epsilon).Kind);
    }
}
