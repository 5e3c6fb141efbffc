using System.Globalization;
using MathNet.Numerics.Distributions;

namespace MarketingAutomation.Simulation;

/// <summary>
/// The hidden side of one simulation run: answers messages from the customers' hidden truth (deliveries, machine and human opens
/// inside engaged hours, clicks, conversions attributed to the decision, bounces, STOP replies, unsubscribes and complaints driven by
/// fatigue), runs each customer's organic BG/NBD purchases and subscription renewals, and hands out the events due by an instant.
/// </summary>
/// <remarks>
/// <para>
/// Common random numbers: every draw is a hash of (seed, customer index, day, purchase number or message key, purpose), never a shared
/// sequential generator. A run without messages and a run with messages share every organic draw: customers never messaged buy
/// exactly the same things at the same instants, and messaged customers differ only through the designed effects (message-driven
/// purchases, sleeping-dog harm, churn after an unsubscribe or complaint, win-back revival). A message's draws are keyed by
/// (goal, variant, channel kind, send minute), so two strategies sending the same message at the same minute see the same response.
/// </para>
/// <para>Thread-safe: sends and <see cref="AdvanceTo"/> take one lock. Cost: O(log n) per event; nothing per customer per tick.</para>
/// </remarks>
public sealed class SimulatedWorld
{
    private const long TicksPerSecond = NodaConstants.TicksPerSecond;
    private const long TicksPerMinute = NodaConstants.TicksPerMinute;
    private const long TicksPerHour = NodaConstants.TicksPerHour;
    private const long TicksPerDay = NodaConstants.TicksPerDay;
    private const string SubscriptionCategory = "subscriptions";

    private readonly WorldOptions _options;
    private readonly IClock? _clock;
    private readonly SimulatedCustomer[] _customers;
    private readonly Dictionary<string, int> _byId;
    private readonly CustomerState[] _state;
    private readonly PriorityQueue<Pending, long> _queue;
    private readonly List<MessageState> _messages = [];
    private readonly List<SentMessage> _sent = [];
    private readonly System.Collections.ObjectModel.ReadOnlyCollection<SentMessage> _sentView;
    private readonly KeyedRandom _rng = new();
    private readonly Lock _gate = new();
    private readonly int _seed;
    private readonly long _startTicks;
    private readonly double _halfLifeTicks;
    private readonly long _windowTicks;
    private long _nowTicks;

    /// <summary>Initializes a new instance of the <see cref="SimulatedWorld"/> class; sends are stamped with <see cref="WorldOptions.Clock"/>, else the last <see cref="AdvanceTo"/> instant.</summary>
    /// <param name="population">The options the customers were generated with (seed and start).</param>
    /// <param name="customers">The customers (any subset of the population, any order).</param>
    /// <param name="options">The world's options, or null for the defaults.</param>
    public SimulatedWorld(PopulationOptions population, IEnumerable<SimulatedCustomer> customers, WorldOptions? options = null)
        : this(population, customers, options, options?.Clock)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SimulatedWorld"/> class whose sends are stamped with <paramref name="clock"/> (the runner's <c>FakeClock</c>).</summary>
    /// <param name="population">The options the customers were generated with (seed and start).</param>
    /// <param name="customers">The customers (any subset of the population, any order).</param>
    /// <param name="clock">The clock that stamps sends.</param>
    /// <param name="options">The world's options, or null for the defaults.</param>
    public SimulatedWorld(PopulationOptions population, IEnumerable<SimulatedCustomer> customers, IClock clock, WorldOptions? options = null)
        : this(population, customers, options, clock ?? throw new ArgumentNullException(nameof(clock)))
    {
    }

    private SimulatedWorld(PopulationOptions population, IEnumerable<SimulatedCustomer> customers, WorldOptions? options, IClock? clock)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(customers);
        var validation = new PopulationOptionsValidator().Validate(population);
        if (!validation.IsValid)
        {
            throw new ArgumentException(string.Join(" ", validation.Errors.Select(e => e.ErrorMessage)), nameof(population));
        }

        _sentView = _sent.AsReadOnly();
        _options = options ?? new WorldOptions();
        _options.Validate();
        _clock = clock;
        _seed = population.Seed;
        Population = population;
        _startTicks = population.Start.ToUnixTimeTicks();
        _nowTicks = _startTicks;
        _halfLifeTicks = _options.FatigueHalfLife.BclCompatibleTicks;
        _windowTicks = _options.AttributionWindow.BclCompatibleTicks;
        _customers = [.. customers];
        _byId = new Dictionary<string, int>(_customers.Length, StringComparer.Ordinal);
        _state = new CustomerState[_customers.Length];
        _queue = new PriorityQueue<Pending, long>(Math.Max(16, _customers.Length));
        for (var i = 0; i < _customers.Length; i++)
        {
            var c = _customers[i] ?? throw new ArgumentException($"customers[{i}] is null; pass only generated customers.", nameof(customers));
            if (!_byId.TryAdd(c.Customer.Id, i))
            {
                throw new ArgumentException($"Customer '{c.Customer.Id}' appears twice; pass each customer once.", nameof(customers));
            }

            ref var s = ref _state[i];
            s.RateMultiplier = 1f;
            s.Active = c.Truth.IsActive;
            s.HasPurchased = c.Truth.HasPurchased;
            s.NextOrganic = long.MaxValue;
            s.LastClick = -1;
            s.LastReminder = -1;
            if (s.Active)
            {
                ScheduleOrganic(i, _startTicks);
            }

            var subscriptions = c.Customer.Subscriptions;
            for (var k = 0; k < subscriptions.Length; k++)
            {
                if (subscriptions[k].CancelledAt is null && (subscriptions[k].RenewsAt ?? subscriptions[k].ExpiresAt) is { } due && due.ToUnixTimeTicks() >= _startTicks)
                {
                    _queue.Enqueue(new Pending(i, k, Step.Renewal, 0), due.ToUnixTimeTicks());
                }
            }
        }
    }

    private enum Step : byte
    {
        Organic,
        Renewal,
        Delivered,
        HardBounce,
        SoftBounce,
        MachineOpen,
        Open,
        Click,
        Convert,
        Unsubscribe,
        Stop,
        Complaint,
    }

    /// <summary>Gets the population options (seed and start).</summary>
    public PopulationOptions Population { get; }

    /// <summary>Gets the customers of this world.</summary>
    public IReadOnlyList<SimulatedCustomer> Customers => _customers;

    /// <summary>Gets what happened so far.</summary>
    public WorldMetrics Metrics { get; } = new();

    /// <summary>Gets the instant of the last <see cref="AdvanceTo"/> (the start before the first).</summary>
    public Instant Now => Instant.FromUnixTimeTicks(Volatile.Read(ref _nowTicks));

    /// <summary>
    /// Gets every message handed to a simulated channel of this world, in order (rejected ones included, with
    /// <see cref="SentMessage.Accepted"/> false). A live view without copying: read it between ticks, not while sends are in flight.
    /// </summary>
    public IReadOnlyList<SentMessage> Sent => _sentView;

    /// <summary>Creates a channel bound to this world.</summary>
    /// <param name="name">The channel's registration name.</param>
    /// <param name="kind">The channel kind (e-mail, SMS and push are modelled; in-app answers like push; webhooks are only delivered).</param>
    /// <returns>The channel. Capabilities: e-mail has subjects and costs 0.001; SMS 306 characters, up to 10 minutes in the provider's queue, 0.0079; push 178 characters, 0.0005.</returns>
    public IChannel CreateChannel(string name, ChannelKind kind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new SimulatedChannel(this, name, kind);
    }

    /// <summary>Finds a customer of this world by id.</summary>
    /// <param name="customerId">The customer id.</param>
    /// <returns>The customer, or null.</returns>
    public SimulatedCustomer? Find(string customerId)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        return _byId.TryGetValue(customerId, out var i) ? _customers[i] : null;
    }

    /// <summary>Returns whether the customer is still buying organically (has not dropped out), as of the last <see cref="AdvanceTo"/>.</summary>
    /// <param name="customerId">The customer id.</param>
    /// <returns>True when active; false when dropped out or unknown.</returns>
    public bool IsActive(string customerId)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        lock (_gate)
        {
            return _byId.TryGetValue(customerId, out var i) && _state[i].Active;
        }
    }

    /// <summary>Returns every event not yet returned that happened at or before <paramref name="now"/>, in time order.</summary>
    /// <param name="now">The instant to advance to.</param>
    /// <returns>Message lifecycle events, purchases (organic, renewals, message-driven with <see cref="Purchase.AttributedDecisionId"/>) and subscription changes.</returns>
    public IReadOnlyList<CustomerEvent> AdvanceTo(Instant now)
    {
        var target = now.ToUnixTimeTicks();
        var events = new List<CustomerEvent>();
        lock (_gate)
        {
            while (_queue.TryPeek(out var pending, out var at) && at <= target)
            {
                _queue.Dequeue();
                Process(pending, at, events);
            }

            if (target > _nowTicks)
            {
                Volatile.Write(ref _nowTicks, target);
                if (target > _startTicks)
                {
                    Metrics.AddDaily(Day(target - 1), 0, 0); // the per-day series reach the day of the last advance, quiet days included
                }
            }
        }

        return events;
    }

    /// <summary>
    /// What sending a message to a customer now would do, from the hidden truth and the customer's state in this world (fatigue, churn,
    /// revival). For the oracle strategy: expected incremental conversions and revenue over <see cref="WorldOptions.OutlookHorizon"/>
    /// (negative for sleeping dogs), the unsubscribe and complaint probabilities, and the probability of a human open.
    /// </summary>
    /// <param name="customer">The customer.</param>
    /// <param name="kind">The channel kind.</param>
    /// <param name="goalId">The goal (welcome, win-back, cross-sell, renewal-reminder, vip-recommendation or another).</param>
    /// <param name="offer">The offer the message carries, if any.</param>
    /// <param name="at">When it would be sent.</param>
    /// <param name="variantId">The content variant id, if known (cross-sell variants name the category they suggest).</param>
    /// <param name="purpose">The purpose; null: transactional for <c>renewal-reminder</c>, marketing otherwise.</param>
    /// <returns>The outlook.</returns>
    public MessageOutlook Outlook(SimulatedCustomer customer, ChannelKind kind, string goalId, Offer? offer, Instant at, string? variantId = null, MessagePurpose? purpose = null)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(goalId);
        var truth = customer.Truth;
        var o = _options;
        CustomerState s;
        lock (_gate)
        {
            s = _byId.TryGetValue(customer.Customer.Id, out var i) ? _state[i] : new CustomerState { Active = truth.IsActive, HasPurchased = truth.HasPurchased, RateMultiplier = 1f };
        }

        if (customer.Customer.FindValidContact(kind) is null
            || (kind == ChannelKind.Email && HardBounces(customer.Index))
            || (kind == ChannelKind.Sms && InvalidNumber(customer.Index)))
        {
            return new MessageOutlook(0, 0, 0, 0, 0);
        }

        var marketing = purpose is { } p ? p == MessagePurpose.Marketing : !string.Equals(goalId, "renewal-reminder", StringComparison.Ordinal);
        var atTicks = at.ToUnixTimeTicks();
        var load = Decayed(s, atTicks) + (marketing ? 1 : 0.3);
        var discount = offer is null ? 0 : (double)offer.DiscountPercent / 100;
        var r = Respond(truth, s, kind, goalId, variantId, offer is not null, at, load, marketing);
        var mean = truth.MeanSpend;
        var weekly = truth.PurchaseRatePerWeek * s.RateMultiplier;
        var expectedOrganic = s.Active ? weekly * (o.OutlookHorizon.TotalDays / 7) : 0;
        var converts = r.Open * r.Click * r.Conversion;
        var incrementality = s.Active ? truth.Incrementality : 1;
        var conversions = converts * incrementality;
        var revenue = (conversions * mean * (1 - discount)) - (s.Active ? converts * (1 - incrementality) * mean * discount : 0);
        if (!s.Active)
        {
            var revived = converts * o.ReviveOnConversion * truth.PurchaseRatePerWeek * (o.OutlookHorizon.TotalDays / 7);
            conversions += revived;
            revenue += revived * mean;
        }

        var lost = expectedOrganic * ((r.Unsubscribe * o.ChurnOnUnsubscribe) + (r.Complaint * o.ChurnOnComplaint));
        if (truth.IsSleepingDog && marketing)
        {
            lost += expectedOrganic * (1 - o.SleepingDogRateFactor + o.SleepingDogChurnProbability);
        }

        return new MessageOutlook(conversions - lost, revenue - (lost * mean), r.Unsubscribe, r.Complaint, r.Open);
    }

    /// <summary>Handles one send from a simulated channel.</summary>
    internal SendResult Send(OutboundMessage message, string channel, ChannelKind kind, int? maxBodyLength)
    {
        lock (_gate)
        {
            var atTicks = _clock is null ? _nowTicks : _clock.GetCurrentInstant().ToUnixTimeTicks();
            var at = Instant.FromUnixTimeTicks(atTicks);
            var metrics = Metrics.For(kind);
            metrics.Sends++;
            var record = new SentMessage(message.CustomerId, message.DecisionId, message.MessageId, kind, message.Purpose, message.GoalId, message.OfferId, at)
            {
                VariantId = message.VariantId,
                Channel = channel,
            };
            string? rejection = null;
            var permanent = true;
            var found = _byId.TryGetValue(message.CustomerId, out var i);
            if (!found)
            {
                rejection = "unknown recipient";
            }
            else if (maxBodyLength is { } limit && message.Body is { } body && body.Length > limit)
            {
                rejection = string.Create(CultureInfo.InvariantCulture, $"body is {body.Length} characters; the channel accepts {limit}");
                permanent = false;
            }
            else if (_customers[i].Customer.FindContact(kind) is null)
            {
                rejection = "the customer has no address on this channel";
            }
            else if (kind == ChannelKind.Sms && InvalidNumber(_customers[i].Index))
            {
                rejection = "invalid or unreachable number";
            }

            if (rejection is not null)
            {
                metrics.Rejected++;
                _sent.Add(record with { Accepted = false });
                return SendResult.Rejected(permanent, rejection);
            }

            _sent.Add(record);
            Plan(i, message, kind, atTicks);
            return SendResult.Accepted("sim-" + message.MessageId);
        }
    }

    private void Plan(int i, OutboundMessage message, ChannelKind kind, long atTicks)
    {
        var o = _options;
        var customer = _customers[i];
        var truth = customer.Truth;
        var index = customer.Index;
        ref var s = ref _state[i];
        var marketing = message.Purpose == MessagePurpose.Marketing;
        var load = Decayed(s, atTicks) + (marketing ? 1 : 0.3);
        s.Load = load;
        s.LoadAt = atTicks;

        var key = Keyed.Mix(Keyed.Hash(message.GoalId) ^ (Keyed.Hash(message.VariantId) * 31) ^ ((ulong)kind << 58) ^ (ulong)(atTicks / TicksPerMinute));
        var m = new MessageState(message.MessageId, message.DecisionId, "sim-" + message.MessageId, i, kind, marketing, message.GoalId, message.VariantId, OfferDiscount(message.OfferId), key);
        var mi = _messages.Count;
        _messages.Add(m);

        if (kind == ChannelKind.Email)
        {
            if (HardBounces(index))
            {
                _queue.Enqueue(new Pending(i, mi, Step.HardBounce, 0), atTicks + Seconds(2 + (28 * U(index, key, DrawPurpose.Delivery))));
                return;
            }

            if (U(index, key, DrawPurpose.Bounce) < o.SoftBounceRate)
            {
                _queue.Enqueue(new Pending(i, mi, Step.SoftBounce, 0), atTicks + Seconds(2 + (28 * U(index, key, DrawPurpose.Delivery))));
                return;
            }
        }

        var delay = kind switch { ChannelKind.Email => 2 + (28 * U(index, key, DrawPurpose.Delivery)), ChannelKind.Sms => 3 + (57 * U(index, key, DrawPurpose.Delivery)), _ => 1 + (4 * U(index, key, DrawPurpose.Delivery)) };
        var delivered = atTicks + Seconds(delay);
        _queue.Enqueue(new Pending(i, mi, Step.Delivered, 0), delivered);
        if (kind == ChannelKind.Webhook)
        {
            return;
        }

        if (kind == ChannelKind.Email && Keyed.Uniform(_seed, index, 2, DrawPurpose.MachineOpen) < o.MachineOpenShare)
        {
            _queue.Enqueue(new Pending(i, mi, Step.MachineOpen, 0), delivered + Seconds(5 + (595 * U(index, key, DrawPurpose.MachineOpen))));
        }

        var r = Respond(truth, s, kind, message.GoalId, message.VariantId, message.OfferId is not null, Instant.FromUnixTimeTicks(atTicks), load, marketing);
        var opened = U(index, key, DrawPurpose.Open) < r.Open;
        var openAt = 0L;
        if (opened)
        {
            openAt = OpenTime(truth, index, delivered, key, kind);
            if (kind != ChannelKind.Sms || o.ReportSmsReads)
            {
                _queue.Enqueue(new Pending(i, mi, Step.Open, 0), openAt);
            }

            if (U(index, key, DrawPurpose.Click) < r.Click)
            {
                var clickAt = openAt + Seconds(10 + (290 * U(index, key ^ 1, DrawPurpose.ResponseTime)));
                _queue.Enqueue(new Pending(i, mi, Step.Click, 0), clickAt);
                if (U(index, key, DrawPurpose.Conversion) < r.Conversion)
                {
                    var wait = Math.Min(-Math.Log(U(index, key ^ 2, DrawPurpose.ResponseTime)) * 3 * TicksPerHour, _windowTicks - TicksPerMinute);
                    _queue.Enqueue(new Pending(i, mi, Step.Convert, 0), clickAt + Math.Max(TicksPerMinute, (long)wait));
                }
            }
        }

        if (U(index, key, DrawPurpose.Unsubscribe) < r.Unsubscribe)
        {
            var seen = opened ? openAt : delivered + Seconds(3600 * (1 + (23 * U(index, key ^ 3, DrawPurpose.ResponseTime))));
            var step = kind == ChannelKind.Sms && U(index, key, DrawPurpose.Stop) < o.StopShareOfSmsUnsubscribes ? Step.Stop : Step.Unsubscribe;
            _queue.Enqueue(new Pending(i, mi, step, 0), seen + Seconds(60 * (1 + (9 * U(index, key ^ 4, DrawPurpose.ResponseTime)))));
        }

        if (kind is ChannelKind.Email or ChannelKind.Sms && U(index, key, DrawPurpose.Complaint) < r.Complaint)
        {
            _queue.Enqueue(new Pending(i, mi, Step.Complaint, 0), delivered + Seconds(120 + (12 * 3600 * U(index, key ^ 5, DrawPurpose.ResponseTime))));
        }
    }

    private Response Respond(HiddenTruth truth, in CustomerState s, ChannelKind kind, string goalId, string? variantId, bool hasOffer, Instant at, double load, bool marketing)
    {
        var o = _options;
        var excess = Math.Max(0, load - truth.FatigueTolerance);
        var baseOpen = kind switch { ChannelKind.InApp => truth.OpenPropensity(ChannelKind.Push), ChannelKind.Webhook => 0, _ => truth.OpenPropensity(kind) };
        var slot = truth.HourOfWeek(at);
        var w = Math.Max(truth.EngagementAt(slot), Math.Max(truth.EngagementAt((slot + 1) % 168), truth.EngagementAt((slot + 2) % 168)));
        var open = baseOpen * (o.OffHoursOpenFactor + ((1 - o.OffHoursOpenFactor) * w)) / (1 + (o.FatigueEngagementDrop * excess));
        var sensitivity = truth.OfferSensitivity;
        var click = Math.Min(0.95, truth.ClickPropensity * (hasOffer ? 1 + (0.5 * (sensitivity - 1)) : 1));
        var conversion = Math.Min(0.95, truth.ConversionPropensity * (hasOffer ? sensitivity : 1) * GoalFactor(truth, goalId, variantId));
        var segment = truth.IsSleepingDog ? 3.0 : truth.SegmentKind == CustomerSegment.Lapsed ? 2.0 : 1.0;
        var hazard = segment * (1 + (o.FatigueHazardPerExcessMessage * excess)) * (marketing ? 1 : 0.2);
        var (unsubscribeRate, complaintRate) = kind switch
        {
            ChannelKind.Email => (o.EmailUnsubscribeRate, o.EmailComplaintRate),
            ChannelKind.Sms => (o.SmsUnsubscribeRate, o.SmsComplaintRate),
            ChannelKind.Push or ChannelKind.InApp => (o.PushUnsubscribeRate, 0.0),
            _ => (0.0, 0.0),
        };
        var complaint = complaintRate * hazard;
        if ((s.OptedOut & (1 << (int)kind)) != 0)
        {
            complaint *= 5; // contacted after opting out
        }

        return new Response(open, click, conversion, Math.Min(0.5, unsubscribeRate * hazard), Math.Min(0.3, complaint));
    }

    private static double GoalFactor(HiddenTruth truth, string goalId, string? variantId)
    {
        switch (goalId)
        {
            case "welcome":
                return truth.SegmentKind == CustomerSegment.New ? 1.5 : 0.8;
            case "win-back":
                return truth.SegmentKind switch { CustomerSegment.Lapsed => 2.0, CustomerSegment.Loyal => 0.6, _ => 1.0 };
            case "cross-sell":
                var category = SimulatedCatalog.IndexOf(SimulatedCatalog.SuggestedCategory(variantId));
                return category < 0 ? 1.0 : 0.4 + (1.2 * truth.CategoryAffinity(category));
            case "vip-recommendation":
                return truth.SegmentKind == CustomerSegment.Loyal ? 1.3 : 1.0;
            case "renewal-reminder":
                return 0.3;
            default:
                return 1.0;
        }
    }

    /// <summary>When the person opens: hour by hour from delivery, more likely in their engaged hours; within 72 hours or later.</summary>
    private long OpenTime(HiddenTruth truth, int index, long delivered, ulong key, ChannelKind kind)
    {
        var local = Instant.FromUnixTimeTicks(delivered).InZone(truth.TimeZone).LocalDateTime;
        var slot = (((int)local.DayOfWeek - 1) * 24) + local.Hour;
        var minute = local.Minute + (local.Second / 60.0);
        var perHour = kind == ChannelKind.Email ? 0.5 : 0.8;
        for (var k = 0; k < 72; k++)
        {
            var left = k == 0 ? (60 - minute) / 60 : 1;
            var p = perHour * truth.EngagementAt((slot + k) % 168) * left;
            var u = U(index, Keyed.Mix(key + (ulong)k), DrawPurpose.OpenTime);
            if (u < p)
            {
                var v = u / p; // uniform in (0, 1) given the hit
                var minutes = k == 0 ? v * (60 - minute) : (k * 60) - minute + (v * 60);
                return delivered + Math.Max(30 * TicksPerSecond, (long)(minutes * TicksPerMinute));
            }
        }

        return delivered + (72 * TicksPerHour) + (long)(U(index, key, DrawPurpose.OpenTime) * TicksPerDay);
    }

    private void Process(in Pending pending, long at, List<CustomerEvent> events)
    {
        var i = pending.Customer;
        ref var s = ref _state[i];
        switch (pending.Step)
        {
            case Step.Organic:
                if (pending.Version == s.Version && s.Active)
                {
                    Organic(i, at, events);
                }

                return;
            case Step.Renewal:
                Renewal(i, pending.Message, at, events);
                return;
        }

        var m = _messages[pending.Message];
        var customer = _customers[i];
        var id = customer.Customer.Id;
        var instant = Instant.FromUnixTimeTicks(at);
        var metrics = Metrics.For(m.Kind);
        var index = customer.Index;
        switch (pending.Step)
        {
            case Step.Delivered:
                metrics.Delivered++;
                events.Add(Event(m, id, instant, "delivered", MessageEventKind.Delivered));
                if (m.Marketing && customer.Truth.IsSleepingDog && s.Active)
                {
                    Rescale(i, at, s.RateMultiplier * (float)_options.SleepingDogRateFactor);
                    if (U(index, m.Key, DrawPurpose.DogChurn) < _options.SleepingDogChurnProbability)
                    {
                        Deactivate(ref s);
                    }
                }

                break;
            case Step.HardBounce or Step.SoftBounce:
                metrics.Bounces++;
                var hard = pending.Step == Step.HardBounce;
                events.Add(Event(m, id, instant, "bounced", MessageEventKind.Bounced) with { IsHardBounce = hard, Reason = hard ? "550 5.1.1 mailbox does not exist" : "452 4.2.2 mailbox full" });
                break;
            case Step.MachineOpen:
                metrics.MachineOpens++;
                events.Add(Event(m, id, instant, "machine-open", MessageEventKind.Opened) with { IsMachineOpen = true });
                break;
            case Step.Open:
                metrics.HumanOpens++;
                events.Add(Event(m, id, instant, "open", MessageEventKind.Opened));
                if (string.Equals(m.GoalId, "renewal-reminder", StringComparison.Ordinal))
                {
                    s.LastReminder = pending.Message;
                    s.LastReminderAt = at;
                }

                break;
            case Step.Click:
                metrics.Clicks++;
                events.Add(Event(m, id, instant, "click", MessageEventKind.Clicked) with { Url = "https://shop.example.com/" + m.GoalId });
                s.LastClick = pending.Message;
                s.LastClickAt = at;
                break;
            case Step.Convert:
                Convert(i, m, at, events);
                break;
            case Step.Unsubscribe or Step.Stop:
                metrics.Unsubscribes++;
                events.Add(pending.Step == Step.Stop
                    ? Event(m, id, instant, "stop", MessageEventKind.Replied) with { ReplyText = "STOP" }
                    : Event(m, id, instant, "unsubscribe", MessageEventKind.Unsubscribed));
                s.OptedOut |= (byte)(1 << (int)m.Kind);
                if (s.Active && U(index, m.Key, DrawPurpose.UnsubscribeChurn) < _options.ChurnOnUnsubscribe)
                {
                    Deactivate(ref s);
                }

                break;
            case Step.Complaint:
                metrics.Complaints++;
                events.Add(Event(m, id, instant, "complaint", MessageEventKind.Complained));
                s.OptedOut |= (byte)(1 << (int)m.Kind);
                if (s.Active && U(index, m.Key ^ 7, DrawPurpose.UnsubscribeChurn) < _options.ChurnOnComplaint)
                {
                    Deactivate(ref s);
                }

                break;
        }
    }

    private void Organic(int i, long at, List<CustomerEvent> events)
    {
        ref var s = ref _state[i];
        var customer = _customers[i];
        var n = s.Organic++;
        var amount = OrganicSpend(customer, n);
        var item = Item(customer.Truth, Keyed.Uniform(_seed, customer.Index, (ulong)n, DrawPurpose.OrganicCategory), null, amount);
        Guid? attributed = s.LastClick >= 0 && at - s.LastClickAt <= _windowTicks ? _messages[s.LastClick].DecisionId : null;
        var orderId = string.Create(CultureInfo.InvariantCulture, $"org-{customer.Customer.Id}-{n}");
        events.Add(new PurchaseEvent(orderId, customer.Customer.Id, Instant.FromUnixTimeTicks(at), new Purchase(orderId, Instant.FromUnixTimeTicks(at), item.Quantity * item.UnitPrice)
        {
            Items = [item],
            AttributedDecisionId = attributed,
        }));
        Metrics.Purchases++;
        Metrics.OrganicPurchases++;
        Metrics.OrganicRevenue += (double)(item.Quantity * item.UnitPrice);
        if (attributed is not null)
        {
            Metrics.AttributedOrganicPurchases++;
        }

        Metrics.AddDaily(Day(at), 0, (double)(item.Quantity * item.UnitPrice));
        AfterOrganic(i, at, n);
    }

    private void Convert(int i, MessageState m, long at, List<CustomerEvent> events)
    {
        ref var s = ref _state[i];
        var customer = _customers[i];
        var truth = customer.Truth;
        var index = customer.Index;
        var incremental = !s.Active || U(index, m.Key, DrawPurpose.Incremental) < truth.Incrementality;
        double amount;
        if (incremental)
        {
            _rng.Reseed(Keyed.Key(_seed, index, m.Key, DrawPurpose.ConversionSpend));
            amount = Gamma.Sample(_rng, truth.SpendShape, truth.SpendRate);
            if (!s.Active)
            {
                if (U(index, m.Key, DrawPurpose.Revive) < _options.ReviveOnConversion)
                {
                    s.Active = true;
                    s.HasPurchased = true;
                    ScheduleOrganic(i, at);
                }
            }
            else
            {
                s.HasPurchased = true;
            }
        }
        else
        {
            // The message pulled the customer's next organic purchase forward: it happens now (at a discount) instead of later.
            var n = s.Organic++;
            amount = OrganicSpend(customer, n);
            AfterOrganic(i, at, n);
        }

        var paid = (decimal)Math.Round(Math.Max(1.0, amount) * (1 - m.Discount), 2);
        var item = Item(truth, U(index, m.Key, DrawPurpose.OrganicCategory), SimulatedCatalog.SuggestedCategory(m.VariantId), paid);
        var orderId = "conv-" + m.DecisionId.ToString();
        var instant = Instant.FromUnixTimeTicks(at);
        var total = item.Quantity * item.UnitPrice;
        events.Add(new PurchaseEvent(orderId, customer.Customer.Id, instant, new Purchase(orderId, instant, total) { Items = [item], AttributedDecisionId = m.DecisionId }));
        var metrics = Metrics.For(m.Kind);
        metrics.Conversions++;
        metrics.Revenue += (double)total;
        if (incremental)
        {
            metrics.IncrementalConversions++;
        }

        Metrics.Purchases++;
        Metrics.DrivenRevenue += (double)total;
        Metrics.AddDaily(Day(at), 1, (double)total);
    }

    private void Renewal(int i, int subscriptionIndex, long at, List<CustomerEvent> events)
    {
        ref var s = ref _state[i];
        var customer = _customers[i];
        var subscription = customer.Customer.Subscriptions[subscriptionIndex];
        var reminded = s.LastReminder >= 0 && at - s.LastReminderAt <= 30 * TicksPerDay;
        var probability = customer.Truth.RenewalProbability + (reminded ? _options.ReminderRenewalUplift : 0);
        var renews = Keyed.Uniform(_seed, customer.Index, Keyed.Hash(subscription.Plan) ^ (ulong)at, DrawPurpose.Renewal) < probability;
        var instant = Instant.FromUnixTimeTicks(at);
        var id = customer.Customer.Id;
        var eventId = string.Create(CultureInfo.InvariantCulture, $"sub-{id}-{subscriptionIndex}-{at}");
        if (!renews)
        {
            Metrics.Cancellations++;
            var expired = subscription.RenewsAt is null;
            events.Add(new SubscriptionEvent(eventId, id, instant, expired ? SubscriptionChangeKind.Expired : SubscriptionChangeKind.Cancelled, subscription with { CancelledAt = expired ? null : instant }));
            return;
        }

        var next = instant + Duration.FromDays(365);
        var renewed = subscription.RenewsAt is null ? subscription with { ExpiresAt = next } : subscription with { RenewsAt = next };
        events.Add(new SubscriptionEvent(eventId, id, instant, SubscriptionChangeKind.Renewed, renewed));
        var price = _options.PlanPrices.TryGetValue(subscription.Plan, out var p) ? p : 49m;
        var orderId = "renew" + eventId[3..];
        events.Add(new PurchaseEvent(orderId, id, instant, new Purchase(orderId, instant, price)
        {
            Items = [new PurchaseItem(subscription.Plan, SubscriptionCategory, 1, price)],
            AttributedDecisionId = reminded ? _messages[s.LastReminder].DecisionId : null,
        }));
        Metrics.Renewals++;
        Metrics.Purchases++;
        Metrics.OrganicPurchases++;
        Metrics.OrganicRevenue += (double)price;
        Metrics.AddDaily(Day(at), 0, (double)price);
    }

    /// <summary>After organic purchase n: a repeat purchase may end the customer's life (BG/NBD dropout); otherwise the next is drawn.</summary>
    private void AfterOrganic(int i, long at, int n)
    {
        ref var s = ref _state[i];
        var truth = _customers[i].Truth;
        if (s.HasPurchased && Keyed.Uniform(_seed, _customers[i].Index, (ulong)n, DrawPurpose.OrganicDropout) < truth.DropoutProbability)
        {
            Deactivate(ref s);
            return;
        }

        s.HasPurchased = true;
        if (s.Active)
        {
            ScheduleOrganic(i, at);
        }
    }

    /// <summary>Draws organic purchase number <c>s.Organic</c>: an exponential gap from <paramref name="from"/> at the current rate, keyed by the purchase number.</summary>
    private void ScheduleOrganic(int i, long from)
    {
        ref var s = ref _state[i];
        var customer = _customers[i];
        var ratePerTick = customer.Truth.PurchaseRatePerWeek * (double)s.RateMultiplier / (7.0 * TicksPerDay);
        var u = Keyed.Uniform(_seed, customer.Index, (ulong)s.Organic, DrawPurpose.OrganicGap);
        var gap = Math.Min(-Math.Log(u) / Math.Max(ratePerTick, 1e-30), 1e18);
        s.Version++;
        s.NextOrganic = from + (long)gap;
        _queue.Enqueue(new Pending(i, 0, Step.Organic, s.Version), s.NextOrganic);
    }

    /// <summary>Changes the organic rate: the remaining exponential wait is stretched by old rate / new rate (same draw, so runs stay coupled).</summary>
    private void Rescale(int i, long now, float multiplier)
    {
        ref var s = ref _state[i];
        multiplier = Math.Max(multiplier, 0.01f);
        if (s.Active && s.NextOrganic != long.MaxValue && s.NextOrganic > now)
        {
            var remaining = (s.NextOrganic - now) * (double)s.RateMultiplier / multiplier;
            s.Version++;
            s.NextOrganic = now + (long)Math.Min(remaining, 1e18);
            _queue.Enqueue(new Pending(i, 0, Step.Organic, s.Version), s.NextOrganic);
        }

        s.RateMultiplier = multiplier;
    }

    private static void Deactivate(ref CustomerState s)
    {
        s.Active = false;
        s.Version++;
        s.NextOrganic = long.MaxValue;
    }

    private double OrganicSpend(SimulatedCustomer customer, int n)
    {
        _rng.Reseed(Keyed.Key(_seed, customer.Index, (ulong)n, DrawPurpose.OrganicSpend));
        return Math.Max(1.0, Gamma.Sample(_rng, customer.Truth.SpendShape, customer.Truth.SpendRate));
    }

    private static PurchaseItem Item(HiddenTruth truth, double u, string? category, double amount) =>
        Item(truth, u, category, (decimal)Math.Round(amount, 2));

    private static PurchaseItem Item(HiddenTruth truth, double u, string? category, decimal amount)
    {
        var c = SimulatedCatalog.IndexOf(category);
        if (c < 0)
        {
            var affinity = truth.Affinity;
            var total = 0.0;
            for (var k = 0; k < affinity.Length; k++)
            {
                total += affinity[k];
            }

            c = PopulationGenerator.PickCategory(affinity, total, u);
        }

        return SimulatedCatalog.Line(c, Math.Max(amount, 0.01m), (u * 7919) % 1);
    }

    private double Decayed(in CustomerState s, long at) =>
        s.Load <= 0 ? 0 : s.Load * Math.Pow(2, -Math.Max(0, at - s.LoadAt) / _halfLifeTicks);

    private double OfferDiscount(string? offerId)
    {
        if (offerId is null)
        {
            return 0;
        }

        if (_options.OfferDiscounts.TryGetValue(offerId, out var percent))
        {
            return (double)percent / 100;
        }

        var end = offerId.Length;
        var startDigits = end;
        while (startDigits > 0 && char.IsAsciiDigit(offerId[startDigits - 1]))
        {
            startDigits--;
        }

        return startDigits < end && int.TryParse(offerId.AsSpan(startDigits), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed <= 100
            ? parsed / 100.0
            : 0.10;
    }

    private bool HardBounces(int index) => Keyed.Uniform(_seed, index, 1, DrawPurpose.Bounce) < _options.HardBounceShare;

    private bool InvalidNumber(int index) => Keyed.Uniform(_seed, index, 3, DrawPurpose.Bounce) < _options.InvalidSmsShare;

    private double U(int index, ulong key, DrawPurpose purpose) => Keyed.Uniform(_seed, index, key, purpose);

    private int Day(long at) => (int)Math.Max(0, (at - _startTicks) / TicksPerDay);

    private static long Seconds(double seconds) => (long)(seconds * TicksPerSecond);

    private static MessageEvent Event(MessageState m, string customerId, Instant at, string suffix, MessageEventKind kind) =>
        new(m.MessageId + ":" + suffix, customerId, at, m.DecisionId, kind) { Channel = m.Kind, ProviderMessageId = m.ProviderId };

    private readonly record struct Pending(int Customer, int Message, Step Step, int Version);

    private readonly record struct Response(double Open, double Click, double Conversion, double Unsubscribe, double Complaint);

    private sealed record MessageState(string MessageId, Guid DecisionId, string ProviderId, int Customer, ChannelKind Kind, bool Marketing, string GoalId, string? VariantId, double Discount, ulong Key);

    private struct CustomerState
    {
        public long NextOrganic;
        public long LoadAt;
        public long LastClickAt;
        public long LastReminderAt;
        public double Load;
        public int Organic;
        public int Version;
        public int LastClick;
        public int LastReminder;
        public float RateMultiplier;
        public bool Active;
        public bool HasPurchased;
        public byte OptedOut;
    }
}
