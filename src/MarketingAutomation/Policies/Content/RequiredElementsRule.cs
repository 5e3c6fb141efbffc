using System.Text.RegularExpressions;

namespace MarketingAutomation;

/// <summary>What <see cref="RequiredElementsRule"/> requires. Set through <c>AddRequiredElements(o => ...)</c>.</summary>
public sealed class RequiredElementsOptions
{
    /// <summary>The default unsubscribe link pattern: an http(s) link whose text contains unsubscribe, opt-out/optout or preferences.</summary>
    public const string DefaultUnsubscribeLinkPattern = @"https?://[^\s<>""']*(?:unsubscribe|opt-?out|preferences)";

    /// <summary>Gets or sets the postal address every marketing e-mail must show (EM-03: street address, PO box or registered private mailbox). Matched ignoring case and line breaks.</summary>
    public string? PostalAddress { get; set; }

    /// <summary>Gets or sets the brand name the first marketing SMS to a customer must name (TW-06, AI-04).</summary>
    public string? BrandName { get; set; }

    /// <summary>Gets or sets the opt-out instruction the first marketing SMS to a customer must contain. Matched ignoring case and white space.</summary>
    /// <value>The default value is "Reply STOP to opt out".</value>
    public string? OptOutText { get; set; } = "Reply STOP to opt out";

    /// <summary>Gets or sets the regular expression (case-insensitive) an unsubscribe link in a marketing e-mail body must match.</summary>
    /// <value>The default value is <see cref="DefaultUnsubscribeLinkPattern"/>.</value>
    public string UnsubscribeLinkPattern { get; set; } = DefaultUnsubscribeLinkPattern;

    /// <summary>Gets or sets a value indicating whether marketing e-mail is checked (unsubscribe link and postal address).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool CheckEmail { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the first marketing SMS to a customer is checked (brand name and opt-out text).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool CheckSms { get; set; } = true;
}

/// <summary>
/// Mandatory elements (AI-04). A marketing e-mail must contain an unsubscribe link in its body (EM-01: visible link besides the
/// List-Unsubscribe headers) and the postal address (EM-03 CAN-SPAM). The first marketing SMS to a customer (no marketing SMS of theirs
/// is pending, sent or in an unknown state in <see cref="CustomerContext.Messages"/>) must name the brand and contain the opt-out text
/// (TW-06; the CTIA and TCPA practice of identifying the program and how to stop it in the first message). Transactional messages are
/// exempt: CAN-SPAM's requirements are for commercial e-mail, and opt-out language is required of marketing programs. Other channels are
/// not checked. Each missing element has its own code (<see cref="ContentReasonCodes.MissingUnsubscribeLink"/>,
/// <see cref="ContentReasonCodes.MissingPostalAddress"/>, <see cref="ContentReasonCodes.MissingBrandName"/>,
/// <see cref="ContentReasonCodes.MissingOptOutText"/>); the verdict carries the first and its reason lists all.
/// </summary>
/// <remarks>
/// "First" is judged from the recent history the store keeps (the cap and follow-up windows): once an earlier SMS has rolled out of it,
/// the next marketing SMS must carry brand and opt-out text again, which errs on the safe side. Held or cancelled messages never reached
/// the customer and do not count.
/// </remarks>
public sealed class RequiredElementsRule : IContentRule, IValidatableRule
{
    private readonly Regex? _unsubscribe;
    private readonly string? _patternError;

    /// <summary>Initializes a new instance of the <see cref="RequiredElementsRule"/> class.</summary>
    /// <param name="options">What to require; copied.</param>
    public RequiredElementsRule(RequiredElementsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        PostalAddress = options.PostalAddress;
        BrandName = options.BrandName;
        OptOutText = options.OptOutText;
        UnsubscribeLinkPattern = options.UnsubscribeLinkPattern ?? string.Empty;
        CheckEmail = options.CheckEmail;
        CheckSms = options.CheckSms;
        try
        {
            _unsubscribe = new Regex(
                UnsubscribeLinkPattern,
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled,
                TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            _patternError = ex.Message;
        }
    }

    /// <inheritdoc />
    public string Name => "required-elements";

    /// <summary>Gets the postal address marketing e-mail must show.</summary>
    public string? PostalAddress { get; }

    /// <summary>Gets the brand name the first marketing SMS must name.</summary>
    public string? BrandName { get; }

    /// <summary>Gets the opt-out text the first marketing SMS must contain.</summary>
    public string? OptOutText { get; }

    /// <summary>Gets the unsubscribe link pattern.</summary>
    public string UnsubscribeLinkPattern { get; }

    /// <summary>Gets a value indicating whether marketing e-mail is checked.</summary>
    public bool CheckEmail { get; }

    /// <summary>Gets a value indicating whether the first marketing SMS is checked.</summary>
    public bool CheckSms { get; }

    /// <inheritdoc />
    IEnumerable<string> IValidatableRule.Validate(RuleValidationContext context) => Validate();

    /// <summary>Returns the configuration problems, each naming the rule; empty when the rule is usable.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!CheckEmail && !CheckSms)
        {
            problems.Add($"{Name}: both CheckEmail and CheckSms are off, so the rule checks nothing; remove it or turn one on.");
        }

        if (CheckEmail)
        {
            if (string.IsNullOrWhiteSpace(PostalAddress))
            {
                problems.Add($"{Name}: PostalAddress is required for marketing e-mail (CAN-SPAM); set o.PostalAddress = \"1 Main St, Springfield, IL 62701\", or set o.CheckEmail = false.");
            }

            if (string.IsNullOrWhiteSpace(UnsubscribeLinkPattern))
            {
                problems.Add($"{Name}: UnsubscribeLinkPattern is empty; keep the default or give a regular expression matching your unsubscribe links.");
            }
            else if (_patternError is not null)
            {
                problems.Add($"{Name}: UnsubscribeLinkPattern is not a valid regular expression: {_patternError}");
            }
        }

        if (CheckSms)
        {
            if (string.IsNullOrWhiteSpace(BrandName))
            {
                problems.Add($"{Name}: BrandName is required for the first marketing SMS; set o.BrandName = \"Acme\", or set o.CheckSms = false.");
            }

            if (string.IsNullOrWhiteSpace(OptOutText))
            {
                problems.Add($"{Name}: OptOutText is required for the first marketing SMS; set o.OptOutText = \"Reply STOP to opt out\", or set o.CheckSms = false.");
            }
        }

        return problems;
    }

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in ContentRuleContext context)
    {
        var candidate = context.Candidate;
        if (candidate.Purpose != MessagePurpose.Marketing)
        {
            return PolicyVerdict.Allow;
        }

        var body = ContentText.WithoutFormatCharacters(context.Message.Body ?? string.Empty);
        return candidate.ChannelKind switch
        {
            ChannelKind.Email when CheckEmail => CheckEmailBody(body),
            ChannelKind.Sms when CheckSms && IsFirstMarketingSms(context.Customer) => CheckFirstSms(body),
            _ => PolicyVerdict.Allow,
        };
    }

    /// <summary>Returns whether no marketing SMS of the customer is pending, sent or in an unknown state.</summary>
    /// <param name="customer">The customer with recent history.</param>
    /// <returns><see langword="true"/> when the next marketing SMS is the first.</returns>
    public static bool IsFirstMarketingSms(CustomerContext customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var messages = customer.Messages;
        for (var i = 0; i < messages.Length; i++)
        {
            var m = messages[i];
            if (m.Kind == ChannelKind.Sms && m.Purpose == MessagePurpose.Marketing
                && m.Status is MessageStatus.Pending or MessageStatus.Sent or MessageStatus.Unknown)
            {
                return false;
            }
        }

        return true;
    }

    private PolicyVerdict CheckEmailBody(string body)
    {
        var unsubscribe = _unsubscribe is not null && _unsubscribe.IsMatch(body);
        var address = !string.IsNullOrWhiteSpace(PostalAddress) && ContentText.ContainsLoosely(body, PostalAddress);
        return (unsubscribe, address) switch
        {
            (true, true) => PolicyVerdict.Allow,
            (false, true) => PolicyVerdict.Deny(ContentReasonCodes.MissingUnsubscribeLink, "The marketing e-mail has no unsubscribe link in its body (EM-01, EM-03)."),
            (true, false) => PolicyVerdict.Deny(ContentReasonCodes.MissingPostalAddress, "The marketing e-mail does not show the postal address (EM-03)."),
            _ => PolicyVerdict.Deny(ContentReasonCodes.MissingUnsubscribeLink, "The marketing e-mail has no unsubscribe link in its body and does not show the postal address (EM-01, EM-03)."),
        };
    }

    private PolicyVerdict CheckFirstSms(string body)
    {
        var brand = !string.IsNullOrWhiteSpace(BrandName) && ContentText.ContainsLoosely(body, BrandName);
        var optOut = !string.IsNullOrWhiteSpace(OptOutText) && ContentText.ContainsLoosely(body, OptOutText);
        return (brand, optOut) switch
        {
            (true, true) => PolicyVerdict.Allow,
            (false, true) => PolicyVerdict.Deny(ContentReasonCodes.MissingBrandName, "The first marketing SMS to this customer does not name the brand (TW-06)."),
            (true, false) => PolicyVerdict.Deny(ContentReasonCodes.MissingOptOutText, "The first marketing SMS to this customer does not say how to opt out (TW-06)."),
            _ => PolicyVerdict.Deny(ContentReasonCodes.MissingBrandName, "The first marketing SMS to this customer neither names the brand nor says how to opt out (TW-06)."),
        };
    }
}
