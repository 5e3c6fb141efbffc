using BenchmarkDotNet.Attributes;
using MarketingAutomation.Testing;
using RulesEngine.Models;

namespace MarketingAutomation.Benchmarking;

/// <summary>
/// The same five rules, judged per candidate, through our <see cref="IPolicy"/> instances and through Microsoft's RulesEngine package
/// (a workflow of five lambda-expression rules). The rules: quiet hours 08:00-21:00 local time, two frequency caps (1 per day, 3 per
/// 7 days), marketing consent and the offer's discount at most 30 %. One operation is one candidate (<see cref="Candidates"/>
/// candidates per invocation, <c>OperationsPerInvoke</c>), so Mean and Allocated are per candidate.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Setup"/> builds the customers and candidates once and checks that every variant allows exactly the same candidates. The
/// RulesEngine variants, from most to least faithful:
/// </para>
/// <list type="bullet">
/// <item><see cref="RulesEngineOnDomainObjects"/> (the baseline): the very <see cref="CustomerContext"/>, <see cref="Candidate"/> and
/// instant our rules get, passed as RulesEngine's README shows; the rule logic is all in the expressions.</item>
/// <item><see cref="RulesEngineOnRawFacts"/>: the same facts copied, untimed, into plain CLR lists RulesEngine enumerates faster.</item>
/// <item><see cref="RulesEngine"/>: facts we precomputed untimed (local minute, counts, consent in force), so RulesEngine only compares.</item>
/// </list>
/// <para>
/// Ours uses the real <see cref="QuietHoursPolicy"/> (which also proves the whole delivery interval, computes the exact instant the
/// window next opens and handles unknown zones) while RulesEngine gets a plain local-hour check; <see cref="OurPoliciesSimpleWindow"/>
/// swaps in that same plain check.
/// </para>
/// </remarks>
[MemoryDiagnoser]
public class RulesEngineComparisonBenchmarks
{
    /// <summary>The candidates judged per invocation.</summary>
    public const int Candidates = 1024;

    private const string WorkflowName = "marketing-rules";
    private const decimal MaxDiscount = 30m;

    private static readonly string[] Zones = ["America/New_York", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney"];

    private readonly CustomerContext[] _customers = new CustomerContext[Candidates];
    private readonly Candidate[] _candidates = new Candidate[Candidates];
    private readonly RuleParameter[][] _inputs = new RuleParameter[Candidates][];
    private readonly RuleParameter[][] _rawInputs = new RuleParameter[Candidates][];
    private IPolicy[] _policies = [];
    private IPolicy[] _simplePolicies = [];
    private global::RulesEngine.RulesEngine _engine = null!;
    private Instant _now;

    [GlobalSetup]
    public void Setup()
    {
        _now = Instant.FromUtc(2026, 3, 2, 15, 0);
        _policies =
        [
            new QuietHoursPolicy(new LocalTime(8, 0), new LocalTime(21, 0)),
            new FrequencyCapPolicy(1, Duration.FromDays(1)),
            new FrequencyCapPolicy(3, Duration.FromDays(7)),
            new ConsentPolicy(),
            new MaxOfferDiscountPolicy(MaxDiscount),
        ];
        _simplePolicies = [new LocalWindowPolicy(), .. _policies[1..]];

        var channel = new RecordingChannel("email", ChannelKind.Email);
        var goal = new BenchGoal();
        var random = new Random(42);
        for (var i = 0; i < Candidates; i++)
        {
            var consent = random.Next(10) switch
            {
                < 7 => new ConsentRecord(ChannelKind.Email, MessagePurpose.Marketing, ConsentStatus.Granted, ConsentBasis.Express, _now - Duration.FromDays(300)),
                < 9 => new ConsentRecord(ChannelKind.Email, MessagePurpose.Marketing, ConsentStatus.Revoked, ConsentBasis.None, _now - Duration.FromDays(30)),
                _ => null,
            };
            var customer = new Customer("c" + i)
            {
                TimeZoneId = Zones[random.Next(Zones.Length)],
                ContactPoints = [new ContactPoint(ChannelKind.Email, $"c{i}@example.com")],
                Consents = consent is null ? [] : [consent],
            };
            var messages = ImmutableArray.CreateBuilder<MessageRecord>();
            var count = random.Next(5);
            for (var m = 0; m < count; m++)
            {
                var id = Guid.NewGuid();
                var at = _now - Duration.FromHours(random.Next(2, 24 * 10));
                messages.Add(new MessageRecord(id.ToString("N"), id, "promo", "v", "email", ChannelKind.Email, MessagePurpose.Marketing, at) { Status = MessageStatus.Sent, SentAt = at });
            }

            messages.Sort((a, b) => a.ScheduledAt.CompareTo(b.ScheduledAt));
            _customers[i] = new CustomerContext(customer) { Messages = messages.ToImmutable() };
            var variant = new ContentVariant("v") { Body = "Hello", Offer = new Offer("o", 10m * random.Next(1, 5)) };
            _candidates[i] = new Candidate(goal, variant, channel, customer.ContactPoints[0]);
            _inputs[i] = [new RuleParameter("input1", RuleInput.From(_customers[i], _candidates[i], _now))];
            _rawInputs[i] = [new RuleParameter("input1", RawInput.From(_customers[i], _candidates[i], _now))];
        }

        _engine = new global::RulesEngine.RulesEngine(
            [Workflow(), RawWorkflow(), DomainWorkflow()],
            new ReSettings
            {
                CustomTypes =
                [
                    typeof(LocalClock), typeof(Seq), typeof(Instant), typeof(Duration), typeof(DateTimeZone), typeof(ZonedDateTime), typeof(LocalTime),
                    typeof(CustomerContext), typeof(Customer), typeof(MessageRecord), typeof(ConsentRecord), typeof(Candidate), typeof(Offer),
                    typeof(ConsentStatus), typeof(ConsentBasis), typeof(ChannelKind), typeof(MessagePurpose),
                ],
            });

        var allowedOurs = OurPolicies();
        var allowedTheirs = RulesEngine();
        for (var i = 0; i < Candidates; i++)
        {
            var ours = JudgeOurs(_policies, i);
            var simple = JudgeOurs(_simplePolicies, i);
            var theirs = JudgeTheirs(i);
            var theirsRaw = JudgeTheirsRaw(i);
            var theirsDomain = JudgeTheirsDomain(i);
            if (ours != theirs || simple != theirs || theirsRaw != theirs || theirsDomain != theirs)
            {
                var failed = _engine.ExecuteAllRulesAsync(DomainWorkflowName, _customers[i], _candidates[i], _now).AsTask().GetAwaiter().GetResult()
                    .Concat(_engine.ExecuteAllRulesAsync(RawWorkflowName, _rawInputs[i]).AsTask().GetAwaiter().GetResult())
                    .Where(r => !r.IsSuccess).Select(r => r.Rule.RuleName + ": " + r.ExceptionMessage);
                throw new InvalidOperationException(
                    $"Candidate {i}: our rules say {ours} (simple window {simple}), RulesEngine says {theirs} (raw facts {theirsRaw}, domain objects {theirsDomain}; failing rules: {string.Join("; ", failed)}); the inputs differ.");
            }
        }

        Console.WriteLine($"// {Candidates} candidates; both sides allow the same {allowedOurs} of them (RulesEngine: {allowedTheirs}).");
    }

    /// <summary>
    /// The five rules as RulesEngine lambda expressions over the raw facts (the message history, the consent ledger, the time-zone id
    /// and the clock, copied untimed into plain CLR lists it can enumerate quickly): RulesEngine does all the rule logic itself, as our
    /// policies do, on inputs prepared in its favour.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Candidates)]
    public int RulesEngineOnRawFacts()
    {
        var allowed = 0;
        for (var i = 0; i < Candidates; i++)
        {
            allowed += JudgeTheirsRaw(i) ? 1 : 0;
        }

        return allowed;
    }

    /// <summary>
    /// The five rules as RulesEngine lambda expressions over the very objects our rules receive (the <see cref="CustomerContext"/>,
    /// the <see cref="Candidate"/> and the instant), passed the way RulesEngine's README shows (<c>ExecuteAllRulesAsync(name, params object[])</c>):
    /// identical inputs, nothing prepared for either side. This is the baseline.
    /// </summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Candidates)]
    public int RulesEngineOnDomainObjects()
    {
        var allowed = 0;
        for (var i = 0; i < Candidates; i++)
        {
            allowed += JudgeTheirsDomain(i) ? 1 : 0;
        }

        return allowed;
    }

    /// <summary>The five rules as RulesEngine lambda expressions over facts we precomputed (counts, consent, local minute): flatters RulesEngine.</summary>
    [Benchmark(OperationsPerInvoke = Candidates)]
    public int RulesEngine()
    {
        var allowed = 0;
        for (var i = 0; i < Candidates; i++)
        {
            allowed += JudgeTheirs(i) ? 1 : 0;
        }

        return allowed;
    }

    /// <summary>The same five rules as our <see cref="IPolicy"/> instances, all evaluated for every candidate (as the engine does).</summary>
    [Benchmark(OperationsPerInvoke = Candidates)]
    public int OurPolicies()
    {
        var allowed = 0;
        for (var i = 0; i < Candidates; i++)
        {
            allowed += JudgeOurs(_policies, i) ? 1 : 0;
        }

        return allowed;
    }

    /// <summary>
    /// Ours with the same simple local-time window check RulesEngine gets instead of <see cref="QuietHoursPolicy"/>: the like-for-like
    /// comparison of the rule machinery.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Candidates)]
    public int OurPoliciesSimpleWindow()
    {
        var allowed = 0;
        for (var i = 0; i < Candidates; i++)
        {
            allowed += JudgeOurs(_simplePolicies, i) ? 1 : 0;
        }

        return allowed;
    }

    /// <summary>Judges candidate <paramref name="i"/> with our rule number <paramref name="rule"/> alone (for <see cref="RuleCostBenchmarks"/>).</summary>
    internal bool JudgeOne(int rule, int i)
    {
        var context = new PolicyContext(_customers[i], _candidates[i], _now);
        return _policies[rule].Evaluate(in context).IsAllowed;
    }

    /// <summary>The name of our rule number <paramref name="rule"/>.</summary>
    internal string RuleName(int rule) => _policies[rule].Name;

    private bool JudgeOurs(IPolicy[] policies, int i)
    {
        var context = new PolicyContext(_customers[i], _candidates[i], _now);
        var ok = true;
        for (var p = 0; p < policies.Length; p++)
        {
            ok &= policies[p].Evaluate(in context).IsAllowed;
        }

        return ok;
    }

    private bool JudgeTheirs(int i)
    {
        var results = _engine.ExecuteAllRulesAsync(WorkflowName, _inputs[i]).AsTask().GetAwaiter().GetResult();
        var ok = true;
        for (var r = 0; r < results.Count; r++)
        {
            ok &= results[r].IsSuccess;
        }

        return ok;
    }

    private bool JudgeTheirsRaw(int i)
    {
        var results = _engine.ExecuteAllRulesAsync(RawWorkflowName, _rawInputs[i]).AsTask().GetAwaiter().GetResult();
        var ok = true;
        for (var r = 0; r < results.Count; r++)
        {
            ok &= results[r].IsSuccess;
        }

        return ok;
    }

    private bool JudgeTheirsDomain(int i)
    {
        var results = _engine.ExecuteAllRulesAsync(DomainWorkflowName, _customers[i], _candidates[i], _now).AsTask().GetAwaiter().GetResult();
        var ok = true;
        for (var r = 0; r < results.Count; r++)
        {
            ok &= results[r].IsSuccess;
        }

        return ok;
    }

    private const string DomainWorkflowName = "marketing-rules-domain";

    private static Workflow DomainWorkflow() => new()
    {
        WorkflowName = DomainWorkflowName,
        Rules =
        [
            Rule("quiet-hours", "input1.Customer.TimeZone != null AND input3.InZone(input1.Customer.TimeZone).Hour >= 8 AND input3.InZone(input1.Customer.TimeZone).Hour < 21"),
            Rule("frequency-cap:1/1d", "Seq.Of(input1.Messages).Count(m => m.CountsTowardCaps AND m.ScheduledAt > input3.Minus(Duration.FromDays(1))) < 1"),
            Rule("frequency-cap:3/7d", "Seq.Of(input1.Messages).Count(m => m.CountsTowardCaps AND m.ScheduledAt > input3.Minus(Duration.FromDays(7))) < 3"),
            Rule("consent", "Seq.Of(input1.Customer.Consents).Where(c => c.Channel == input2.ChannelKind AND c.Purpose == input2.Purpose).OrderByDescending(c => c.RecordedAt).Select(c => c.Status == ConsentStatus.Granted AND c.Basis != ConsentBasis.None).FirstOrDefault()"),
            Rule("max-offer-discount", "input2.Offer == null OR input2.Offer.DiscountPercent <= 30"),
        ],
    };

    private const string RawWorkflowName = "marketing-rules-raw";

    private static Workflow RawWorkflow() => new()
    {
        WorkflowName = RawWorkflowName,
        Rules =
        [
            Rule("quiet-hours", "LocalClock.MinuteOfDay(input1.ZoneId, input1.NowMs) >= 480 AND LocalClock.MinuteOfDay(input1.ZoneId, input1.NowMs) < 1260"),
            Rule("frequency-cap:1/1d", "input1.Messages.Count(m => m.Counts AND m.ScheduledMs > input1.NowMs - 86400000) < 1"),
            Rule("frequency-cap:3/7d", "input1.Messages.Count(m => m.Counts AND m.ScheduledMs > input1.NowMs - 604800000) < 3"),
            Rule("consent", "input1.Consents.Where(c => c.Channel == input1.Channel AND c.Purpose == input1.Purpose).OrderByDescending(c => c.RecordedMs).Select(c => c.Status == 0 AND c.Basis > 0).FirstOrDefault()"),
            Rule("max-offer-discount", "input1.OfferPercent <= 30"),
        ],
    };

    private static Workflow Workflow() => new()
    {
        WorkflowName = WorkflowName,
        Rules =
        [
            Rule("quiet-hours", "input1.LocalMinuteOfDay >= 480 AND input1.LocalMinuteOfDay < 1260"),
            Rule("frequency-cap:1/1d", "input1.MessagesLastDay < 1"),
            Rule("frequency-cap:3/7d", "input1.MessagesLastWeek < 3"),
            Rule("consent", "input1.MarketingConsent == true"),
            Rule("max-offer-discount", "input1.OfferPercent <= 30"),
        ],
    };

    private static Rule Rule(string name, string expression) => new()
    {
        RuleName = name,
        RuleExpressionType = RuleExpressionType.LambdaExpression,
        Expression = expression,
        ErrorMessage = name,
        SuccessEvent = "allow",
    };

    /// <summary>The facts one candidate is judged on, flattened for RulesEngine.</summary>
    public sealed class RuleInput
    {
        /// <summary>Gets the recipient's local time as minutes since midnight.</summary>
        public int LocalMinuteOfDay { get; init; }

        /// <summary>Gets the messages counting toward caps in the last 24 hours.</summary>
        public int MessagesLastDay { get; init; }

        /// <summary>Gets the messages counting toward caps in the last 7 days.</summary>
        public int MessagesLastWeek { get; init; }

        /// <summary>Gets a value indicating whether e-mail marketing consent is in force.</summary>
        public bool MarketingConsent { get; init; }

        /// <summary>Gets the candidate's offer in percent.</summary>
        public decimal OfferPercent { get; init; }

        /// <summary>Derives the facts from the same customer and candidate our rules see.</summary>
        public static RuleInput From(CustomerContext customer, Candidate candidate, Instant now)
        {
            var local = now.InZone(customer.Customer.TimeZone!).TimeOfDay;
            var consent = customer.Customer.ConsentFor(candidate.Channel.Kind, candidate.Purpose);
            return new RuleInput
            {
                LocalMinuteOfDay = (local.Hour * 60) + local.Minute,
                MessagesLastDay = Count(customer, now - Duration.FromDays(1)),
                MessagesLastWeek = Count(customer, now - Duration.FromDays(7)),
                MarketingConsent = consent is { Status: ConsentStatus.Granted } && consent.Basis != ConsentBasis.None,
                OfferPercent = candidate.Offer?.DiscountPercent ?? 0m,
            };
        }

        private static int Count(CustomerContext customer, Instant since)
        {
            var n = 0;
            foreach (var m in customer.Messages)
            {
                n += m.ScheduledAt > since && m.CountsTowardCaps ? 1 : 0;
            }

            return n;
        }
    }

    /// <summary>
    /// Lets RulesEngine expressions enumerate our immutable arrays: its expression parser (System.Linq.Dynamic.Core) finds no LINQ
    /// method on <see cref="ImmutableArray{T}"/>, so rules over the domain objects call <c>Seq.Of(...)</c> first, as a user would have to.
    /// </summary>
    public static class Seq
    {
        /// <summary>The messages as a sequence.</summary>
        /// <param name="items">The messages.</param>
        /// <returns>The sequence.</returns>
        public static IEnumerable<MessageRecord> Of(ImmutableArray<MessageRecord> items) => items;

        /// <summary>The consent records as a sequence.</summary>
        /// <param name="items">The consent records.</param>
        /// <returns>The sequence.</returns>
        public static IEnumerable<ConsentRecord> Of(ImmutableArray<ConsentRecord> items) => items;
    }

    /// <summary>A local clock RulesEngine expressions may call (registered through <c>ReSettings.CustomTypes</c>).</summary>
    public static class LocalClock
    {
        /// <summary>The minute of the day at an instant in a zone.</summary>
        /// <param name="zoneId">The IANA zone id.</param>
        /// <param name="unixMs">The instant in Unix milliseconds.</param>
        /// <returns>Minutes since local midnight.</returns>
        public static int MinuteOfDay(string zoneId, long unixMs)
        {
            var time = Instant.FromUnixTimeMilliseconds(unixMs).InZone(DateTimeZoneProviders.Tzdb[zoneId]).TimeOfDay;
            return (time.Hour * 60) + time.Minute;
        }
    }

    /// <summary>The raw facts one candidate is judged on, as plain CLR objects (no rule logic applied).</summary>
    public sealed class RawInput
    {
        /// <summary>Gets the evaluation instant in Unix milliseconds.</summary>
        public long NowMs { get; init; }

        /// <summary>Gets the recipient's IANA zone id.</summary>
        public string ZoneId { get; init; } = string.Empty;

        /// <summary>Gets the candidate's channel kind.</summary>
        public int Channel { get; init; }

        /// <summary>Gets the candidate's purpose.</summary>
        public int Purpose { get; init; }

        /// <summary>Gets the candidate's offer in percent.</summary>
        public decimal OfferPercent { get; init; }

        /// <summary>Gets the message history.</summary>
        public List<RawMessage> Messages { get; init; } = [];

        /// <summary>Gets the consent ledger.</summary>
        public List<RawConsent> Consents { get; init; } = [];

        /// <summary>Copies the facts.</summary>
        /// <param name="customer">The customer.</param>
        /// <param name="candidate">The candidate.</param>
        /// <param name="now">The instant.</param>
        /// <returns>The raw input.</returns>
        public static RawInput From(CustomerContext customer, Candidate candidate, Instant now) => new()
        {
            NowMs = now.ToUnixTimeMilliseconds(),
            ZoneId = customer.Customer.TimeZoneId!,
            Channel = (int)candidate.Channel.Kind,
            Purpose = (int)candidate.Purpose,
            OfferPercent = candidate.Offer?.DiscountPercent ?? 0m,
            Messages = [.. customer.Messages.Select(m => new RawMessage { ScheduledMs = m.ScheduledAt.ToUnixTimeMilliseconds(), Counts = m.CountsTowardCaps })],
            Consents = [.. customer.Customer.Consents.Select(c => new RawConsent { Channel = (int)c.Channel, Purpose = (int)c.Purpose, Status = (int)c.Status, Basis = (int)c.Basis, RecordedMs = c.RecordedAt.ToUnixTimeMilliseconds() })],
        };
    }

    /// <summary>A message in <see cref="RawInput"/>.</summary>
    public sealed class RawMessage
    {
        /// <summary>Gets when it was scheduled (Unix ms).</summary>
        public long ScheduledMs { get; init; }

        /// <summary>Gets a value indicating whether it counts toward caps.</summary>
        public bool Counts { get; init; }
    }

    /// <summary>A consent record in <see cref="RawInput"/>.</summary>
    public sealed class RawConsent
    {
        /// <summary>Gets the channel kind.</summary>
        public int Channel { get; init; }

        /// <summary>Gets the purpose.</summary>
        public int Purpose { get; init; }

        /// <summary>Gets the status (0 = granted).</summary>
        public int Status { get; init; }

        /// <summary>Gets the basis (0 = none).</summary>
        public int Basis { get; init; }

        /// <summary>Gets when it was recorded (Unix ms).</summary>
        public long RecordedMs { get; init; }
    }

    /// <summary>The simple quiet-hours check both sides can express: 08:00 to 21:00 in the customer's zone at the evaluation instant.</summary>
    private sealed class LocalWindowPolicy : IPolicy
    {
        public string Name => "local-window:08:00-21:00";

        public PolicyVerdict Evaluate(in PolicyContext context)
        {
            if (context.Customer.Customer.TimeZone is not { } zone)
            {
                return PolicyVerdict.DeferUntil(context.Now + Duration.FromHours(1), ReasonCodes.UnknownTimeZone, "The time zone is unknown.");
            }

            var local = context.Now.InZone(zone).TimeOfDay;
            var minute = (local.Hour * 60) + local.Minute;
            return minute is >= 480 and < 1260
                ? PolicyVerdict.Allow
                : PolicyVerdict.DeferUntil(context.Now + Duration.FromHours(1), ReasonCodes.QuietHours, "Outside 08:00-21:00 local time.");
        }
    }

    private sealed class BenchGoal : Goal
    {
        public BenchGoal()
            : base("promo")
        {
        }

        public override void Propose(CustomerContext customer, Instant now, CandidateSink sink)
        {
        }
    }
}
