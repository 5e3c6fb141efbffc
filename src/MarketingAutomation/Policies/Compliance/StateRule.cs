namespace MarketingAutomation;

/// <summary>
/// A US state's rule for marketing texts, as data (TC-04): the calling window in the recipient's local time and the most messages per
/// rolling 24 hours on the same subject (subject = goal id). A number with one of <see cref="AreaCodes"/> is presumed to reach a resident.
/// </summary>
/// <param name="State">The two-letter state code.</param>
/// <param name="AreaCodes">The state's area codes (three digits), for the in-state presumption.</param>
/// <param name="Start">The window's start (inclusive).</param>
/// <param name="End">The window's end (exclusive).</param>
/// <param name="MaxPerRolling24hSameSubject">The most messages per rolling 24 hours on the same subject.</param>
public sealed record StateRule(string State, IReadOnlyList<string> AreaCodes, LocalTime Start, LocalTime End, int MaxPerRolling24hSameSubject)
{
    /// <summary>Gets the statute or source the rule encodes (for audit).</summary>
    public string? Source { get; init; }

    /// <summary>Checks the rule.</summary>
    /// <returns>The problems, each naming the state.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var name = $"us-state:{State}";
        if (string.IsNullOrWhiteSpace(State))
        {
            problems.Add("us-state: a state rule has no state code.");
        }

        if (Start == End)
        {
            problems.Add($"{name}: the window {Start:HH:mm}-{End:HH:mm} never opens; the start must be before the end.");
        }
        else if (Start > End)
        {
            problems.Add($"{name}: the window {Start:HH:mm}-{End:HH:mm} crosses midnight; a calling window is a daytime window (start before end), swap the times.");
        }

        if (MaxPerRolling24hSameSubject < 1)
        {
            problems.Add($"{name}: a cap of {MaxPerRolling24hSameSubject} per rolling 24 h blocks every message; use 1 or more.");
        }

        if (AreaCodes is null || AreaCodes.Count == 0)
        {
            problems.Add($"{name}: no area codes, so no number is presumed in-state and the rule never applies.");
        }
        else
        {
            foreach (var code in AreaCodes)
            {
                if (code is null || code.Length != 3 || !int.TryParse(code, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
                {
                    problems.Add($"{name}: area code '{code}' is not three digits.");
                }
            }
        }

        return problems;
    }
}

/// <summary>
/// The state rules the <c>UseComplianceUsStates()</c> pack applies by default (reference TC-04): Florida (Fla. Stat. §501.616(6), §501.059),
/// Oklahoma (Telephone Solicitation Act, HB 3168, eff. 1 Nov 2022) and Maryland (Stop the Spam Calls Act 2023): 08:00-20:00 recipient
/// local time and at most 3 messages per rolling 24 hours on the same subject. Area codes per NANPA as of 2025 (verify overlays yearly).
/// </summary>
public static class UsStateRules
{
    /// <summary>Florida.</summary>
    public static StateRule Florida { get; } = new(
        "FL",
        ["239", "305", "321", "324", "352", "386", "407", "448", "561", "645", "656", "689", "727", "728", "754", "772", "786", "813", "850", "863", "904", "941", "954"],
        new LocalTime(8, 0),
        new LocalTime(20, 0),
        3) { Source = "Fla. Stat. §501.616(6) (SB 1120, 2021), §501.059; reference TC-04" };

    /// <summary>Oklahoma.</summary>
    public static StateRule Oklahoma { get; } = new(
        "OK",
        ["405", "539", "572", "580", "918"],
        new LocalTime(8, 0),
        new LocalTime(20, 0),
        3) { Source = "Oklahoma Telephone Solicitation Act (HB 3168, eff. 1 Nov 2022); reference TC-04" };

    /// <summary>Maryland.</summary>
    public static StateRule Maryland { get; } = new(
        "MD",
        ["227", "240", "301", "410", "443", "667"],
        new LocalTime(8, 0),
        new LocalTime(20, 0),
        3) { Source = "Maryland Stop the Spam Calls Act 2023; reference TC-04" };

    /// <summary>Gets the default rules: Florida, Oklahoma, Maryland.</summary>
    public static IReadOnlyList<StateRule> Default { get; } = [Florida, Oklahoma, Maryland];
}

/// <summary>
/// Applies one <see cref="StateRule"/> to marketing SMS whose number has one of the state's area codes (the in-state presumption, TC-04/05):
/// outside the window (recipient local time; the customer's zone, else the number's zones) the candidate is deferred to the next opening;
/// when the rolling 24-hour same-subject limit is reached it is deferred until the oldest counted message rolls off.
/// </summary>
public sealed class StateRulePolicy : IPolicy, IValidatableRule
{
    private static readonly Duration Day = Duration.FromHours(24);
    private readonly HashSet<int> _areaCodes = [];
    private readonly string _windowReason;
    private readonly string _capReason;
    private readonly QuietHoursPolicy _window;

    /// <summary>Initializes a new instance of the <see cref="StateRulePolicy"/> class.</summary>
    /// <param name="rule">The state rule.</param>
    public StateRulePolicy(StateRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        Rule = rule;
        Name = $"us-state:{rule.State}";
        foreach (var code in rule.AreaCodes ?? [])
        {
            if (int.TryParse(code, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                _areaCodes.Add(n);
            }
        }

        _window = new QuietHoursPolicy(rule.Start, rule.End, ChannelKind.Sms);
        _windowReason = $"{rule.State} allows marketing texts only {rule.Start:HH:mm}-{rule.End:HH:mm} recipient local time.";
        _capReason = $"{rule.State} allows at most {rule.MaxPerRolling24hSameSubject} marketing texts per rolling 24 h on the same subject.";
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Gets the rule applied.</summary>
    public StateRule Rule { get; }

    /// <summary>Returns the NANP area code of an E.164 number (<c>+1NXXNXXXXXX</c>), or -1.</summary>
    /// <param name="e164">The number.</param>
    /// <returns>The area code, or -1 for other numbers.</returns>
    public static int AreaCodeOf(ReadOnlySpan<char> e164)
    {
        e164 = e164.Trim();
        if (e164.Length != 12 || e164[0] != '+' || e164[1] != '1')
        {
            return -1;
        }

        var code = 0;
        for (var i = 2; i < 5; i++)
        {
            if (!char.IsAsciiDigit(e164[i]))
            {
                return -1;
            }

            code = (code * 10) + (e164[i] - '0');
        }

        return code;
    }

    /// <summary>Returns whether a number is presumed to reach a resident of the rule's state.</summary>
    /// <param name="e164">The number.</param>
    /// <returns>True when its area code is the state's.</returns>
    public bool IsPresumedInState(ReadOnlySpan<char> e164) => _areaCodes.Contains(AreaCodeOf(e164));

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in PolicyContext context)
    {
        var candidate = context.Candidate;
        if (candidate.ChannelKind != ChannelKind.Sms || candidate.Purpose != MessagePurpose.Marketing || candidate.Contact is null
            || !IsPresumedInState(candidate.Contact.Address))
        {
            return PolicyVerdict.Allow;
        }

        // The window in the recipient's local time (the customer's zone, else every zone of the number, TC-05), with the delivery
        // interval and DST handled by the quiet-hours rule.
        var window = _window.Evaluate(in context);
        if (window.Kind == VerdictKind.Defer && window.Code == ReasonCodes.QuietHours)
        {
            return PolicyVerdict.DeferUntil(window.Until, ComplianceReasonCodes.StateCallingWindow, _windowReason);
        }

        if (!window.IsAllowed)
        {
            return window;
        }

        return CheckCap(context.Customer.Messages, candidate.Goal.Id, context.Now);
    }

    /// <summary>Checks the configuration.</summary>
    /// <returns>The problems, each naming the rule.</returns>
    public IReadOnlyList<string> Validate() => Rule.Validate();

    /// <inheritdoc />
    public IEnumerable<string> Validate(RuleValidationContext context) => Validate();

    private PolicyVerdict CheckCap(ImmutableArray<MessageRecord> messages, string subject, Instant now)
    {
        var since = now - Day;
        var count = 0;
        for (var i = 0; i < messages.Length; i++)
        {
            if (Counts(messages[i], subject, since))
            {
                count++;
            }
        }

        var max = Rule.MaxPerRolling24hSameSubject;
        if (count < max)
        {
            return PolicyVerdict.Allow;
        }

        // A slot frees when the (count - max + 1)-th oldest counted message leaves the window.
        var mustRollOff = count - max + 1;
        var until = Instant.MaxValue;
        for (var i = 0; i < messages.Length; i++)
        {
            var m = messages[i];
            if (!Counts(m, subject, since) || m.ScheduledAt >= until)
            {
                continue;
            }

            var atOrBefore = 0;
            for (var j = 0; j < messages.Length; j++)
            {
                if (Counts(messages[j], subject, since) && messages[j].ScheduledAt <= m.ScheduledAt)
                {
                    atOrBefore++;
                }
            }

            if (atOrBefore >= mustRollOff)
            {
                until = m.ScheduledAt;
            }
        }

        return PolicyVerdict.DeferUntil(until + Day, ComplianceReasonCodes.StateSubjectCap, _capReason);
    }

    private static bool Counts(MessageRecord m, string subject, Instant since) =>
        m.ScheduledAt > since && m.CountsTowardCaps && m.Kind == ChannelKind.Sms && m.Purpose == MessagePurpose.Marketing
        && string.Equals(m.GoalId, subject, StringComparison.Ordinal);
}
