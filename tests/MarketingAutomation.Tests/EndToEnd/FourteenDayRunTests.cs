using static MarketingAutomation.Tests.EndToEnd.FourteenDayRun;

namespace MarketingAutomation.Tests.EndToEnd;

/// <summary>
/// The acceptance test of the issue: 1,000 customers over 14 simulated days with a FakeClock and recording channels show welcome steps
/// in order, win-back triggered only after the configured gap, a frequency rule respected, a low-confidence decision held for review
/// and sent only after approval, and an answer to "why did customer X get message Y". Everything is checked from the channels' ledgers
/// and the outbox, not from the engine's counters. The run happens once (<see cref="FourteenDayRun"/>); each fact checks one criterion.
/// </summary>
public sealed class FourteenDayRunTests(FourteenDayRun run, ITestOutputHelper output) : IClassFixture<FourteenDayRun>
{
    [Fact]
    public void Run_decides_without_errors_and_sends_no_message_twice()
    {
        output.WriteLine(run.Summary());
        Assert.Equal(0, run.Errors);
        Assert.True(run.Accepted.Count > 600, $"only {run.Accepted.Count} messages went out");

        // (f) No message accepted twice on a channel, nor across channels.
        Assert.Empty(run.Agent.Email.DuplicateAcceptedMessageIds());
        Assert.Empty(run.Agent.Sms.DuplicateAcceptedMessageIds());
        Assert.Equal(run.Accepted.Count, run.Accepted.Select(s => s.MessageId).Distinct(StringComparer.Ordinal).Count());

        // Every accepted message is a Sent outbox row, handed over no earlier than it was due.
        foreach (var send in run.Accepted)
        {
            Assert.True(run.Outbox.TryGetValue(send.MessageId, out var row), $"accepted message {send.MessageId} has no outbox row");
            Assert.Equal(OutboxStatus.Sent, row.Status);
            Assert.Equal(1, row.Attempts);
            Assert.True(send.At >= row.DueAt, $"message {send.MessageId} was sent at {send.At}, before it was due at {row.DueAt}");
        }

        // Every Sent row was accepted by a channel.
        Assert.Equal(run.Outbox.Values.Count(r => r.Status == OutboxStatus.Sent), run.Accepted.Count);
    }

    [Fact]
    public void Welcome_steps_go_out_in_order_and_never_before_their_delay()
    {
        var welcome = new WelcomeSequenceGoal();
        var completed = 0;
        foreach (var c in run.Population.Where(p => p.Segment == Segment.SignUp))
        {
            var messages = run.Of(c.Id);
            if (c.Customer.Consents.IsEmpty)
            {
                Assert.True(messages.Count == 0, $"{c.Id} has no consent but received {messages.Count} message(s)");
                continue;
            }

            var signedUp = c.Customer.SignedUpAt!.Value;
            var steps = messages.Where(m => m.Message.GoalId == "welcome").ToList();
            Assert.True(steps.Count > 0, $"{c.Id} signed up at {signedUp} with consent but got no welcome message");
            for (var k = 0; k < steps.Count; k++)
            {
                Assert.True(steps[k].Message.Step == k, $"{c.Id}: welcome message #{k} is step {steps[k].Message.Step}; steps must go out in order 0, 1, 2 (got {string.Join(", ", steps.Select(s => s.Message.Step))})");
                var earliest = signedUp + welcome.StepDelays[k];
                Assert.True(steps[k].ScheduledAt >= earliest, $"{c.Id}: welcome step {k} scheduled at {steps[k].ScheduledAt}, before sign-up + {welcome.StepDelays[k]} = {earliest}");
                Assert.Equal($"welcome-{k + 1}", steps[k].Message.VariantId);
            }

            // Step 0 goes out at the first tick after sign-up (customers arrive at the first tick after they sign up).
            Assert.True(steps[0].ScheduledAt < signedUp + Hour, $"{c.Id}: first welcome at {steps[0].ScheduledAt}, more than an hour after sign-up at {signedUp}");

            // With two messages a week, step 2 (day 5) waits until step 0 leaves the 7-day window: whoever signed up 8 days before the
            // end (and kept a channel) has had time for every step.
            if (signedUp <= End - Duration.FromDays(8) && (!run.Unsubscribed.ContainsKey(c.Id) || c.Customer.FindContact(ChannelKind.Sms) is not null))
            {
                Assert.True(steps.Count == 3, $"{c.Id} signed up at {signedUp} but got {steps.Count} welcome step(s)");
                completed++;
            }
        }

        Assert.True(completed >= 50, $"only {completed} sign-ups completed the welcome sequence; the run does not exercise it");
    }

    [Fact]
    public void Win_back_goes_out_only_after_the_inactivity_gap_and_to_every_lapsed_buyer()
    {
        int lapsedDuringRun = 0, lapsedBefore = 0, notYet = 0;
        foreach (var c in run.Population)
        {
            var purchases = run.Purchases[c.Id];
            foreach (var m in run.Of(c.Id).Where(m => m.Message.GoalId == "win-back"))
            {
                // The purchase a message can know about happened before the decision (a purchase at the same instant is its conversion).
                var lastBefore = purchases.Where(p => p < m.ScheduledAt).Max();
                Assert.True(m.ScheduledAt >= lastBefore + InactiveFor, $"{c.Id}: win-back scheduled at {m.ScheduledAt}, only {m.ScheduledAt - lastBefore} after the purchase at {lastBefore}");
            }

            if (c.Segment != Segment.Buyer)
            {
                continue;
            }

            var lapseAt = c.Customer.LastPurchaseAt!.Value + InactiveFor;
            var winBacks = run.Of(c.Id).Where(m => m.Message.GoalId == "win-back").ToList();
            if (!c.HasEmailConsent)
            {
                Assert.Empty(winBacks);
            }
            else if (lapseAt >= End)
            {
                Assert.True(winBacks.Count == 0, $"{c.Id} lapses only at {lapseAt} but got a win-back at {winBacks.FirstOrDefault()?.ScheduledAt}");
                notYet++;
            }
            else
            {
                // Lapsed: the first win-back goes out at the first hourly tick at or after the lapse (or at the start).
                var from = lapseAt > Start ? lapseAt : Start;
                Assert.True(winBacks.Count > 0, $"{c.Id} lapsed at {lapseAt} but got no win-back");
                Assert.True(winBacks[0].ScheduledAt >= from && winBacks[0].ScheduledAt < from + Hour, $"{c.Id} lapsed at {lapseAt}; first win-back at {winBacks[0].ScheduledAt}");
                Assert.True(winBacks.Count <= 2, $"{c.Id} got {winBacks.Count} win-back messages for one lapse");
                if (lapseAt > Start)
                {
                    lapsedDuringRun++;
                }
                else
                {
                    lapsedBefore++;
                }
            }
        }

        Assert.True(lapsedDuringRun >= 30 && lapsedBefore >= 100 && notYet >= 50, $"win-back not exercised: {lapsedBefore} lapsed before, {lapsedDuringRun} during, {notYet} after the run");
        Assert.True(run.WinBackConversions >= 5, $"only {run.WinBackConversions} win-back conversions; the purchase reset is not exercised");
    }

    [Fact]
    public void Frequency_caps_hold_for_every_message_the_engine_scheduled()
    {
        // Every message the engine decided itself respected both caps given everything scheduled before it (approved reviews included).
        var checkedMessages = 0;
        foreach (var (id, messages) in run.Received)
        {
            var marketing = messages.Where(m => m.Message.Purpose == MessagePurpose.Marketing).ToList();
            foreach (var m in marketing.Where(m => !m.FromReview))
            {
                var inWeek = marketing.Count(o => !ReferenceEquals(o, m) && o.ScheduledAt > m.ScheduledAt - Week && o.ScheduledAt < m.ScheduledAt);
                var inDay = marketing.Count(o => !ReferenceEquals(o, m) && o.ScheduledAt > m.ScheduledAt - Day && o.ScheduledAt < m.ScheduledAt);
                Assert.True(inWeek < WeeklyCap, $"{id}: message at {m.ScheduledAt} ({m.Message.GoalId}) went out with {inWeek} others in the 7 days before it");
                Assert.True(inDay == 0, $"{id}: message at {m.ScheduledAt} ({m.Message.GoalId}) went out with {inDay} others in the day before it");
                checkedMessages++;
            }
        }

        Assert.True(checkedMessages > 500, $"only {checkedMessages} engine-scheduled marketing messages");
        Assert.Contains(run.Received.Values, list => list.Count(m => m.Message.Purpose == MessagePurpose.Marketing) >= 3);
    }

    [Fact]
    public void Frequency_caps_hold_for_everything_customers_received()
    {
        // The frequency rule as the customer experiences it: from the ledgers, at most 2 marketing messages in any 7 days and 1 in any day.
        foreach (var (id, messages) in run.Received)
        {
            var times = messages.Where(m => m.Message.Purpose == MessagePurpose.Marketing).Select(m => m.ScheduledAt).Order().ToList();
            for (var i = 0; i + WeeklyCap < times.Count; i++)
            {
                Assert.True(times[i + WeeklyCap] - times[i] >= Week, $"{id} received {WeeklyCap + 1} marketing messages within 7 days: {string.Join(", ", times.Skip(i).Take(WeeklyCap + 1))}");
            }

            for (var i = 0; i + 1 < times.Count; i++)
            {
                Assert.True(times[i + 1] - times[i] >= Day, $"{id} received 2 marketing messages within a day: {times[i]}, {times[i + 1]}");
            }
        }
    }

    [Fact]
    public void Unsubscribed_customers_get_no_more_marketing_email()
    {
        Assert.NotEmpty(run.Unsubscribed);
        foreach (var (id, at) in run.Unsubscribed)
        {
            var after = run.Of(id).Where(m => m.Message.Kind == ChannelKind.Email && m.Message.Purpose == MessagePurpose.Marketing && m.ScheduledAt > at).ToList();
            Assert.True(after.Count == 0, $"{id} unsubscribed at {at} but got marketing e-mail scheduled at {after.FirstOrDefault()?.ScheduledAt}");
        }
    }

    [Fact]
    public async Task Low_confidence_decisions_wait_for_review_and_go_out_once_after_approval()
    {
        Assert.True(run.Approved.Count > 0, "no review was approved");
        Assert.True(run.Rejected.Count > 0, "no review was rejected");
        var t = run.Agent;
        var calls = t.AllSends.GroupBy(s => s.MessageId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var lowConfidence = 0;
        foreach (var (messageId, review) in run.Approved)
        {
            var trace = await t.Agent.WhyAsync(review.Review.DecisionId, TestContext.Current.CancellationToken);
            Assert.NotNull(trace);
            Assert.Equal(DecisionOutcome.Review, trace.Outcome);
            Assert.Equal(messageId, trace.MessageId);
            if (trace.ReasonCode == ReasonCodes.LowConfidence)
            {
                lowConfidence++;
                Assert.True(trace.Confidence < 0.25, $"held for low confidence at {trace.Confidence}");
                Assert.Contains("below the review threshold", trace.ReviewReason, StringComparison.Ordinal);
            }

            // Never handed to a channel before approval; accepted exactly once after it.
            Assert.True(review.Review.CreatedAt <= review.At);
            var handed = calls.GetValueOrDefault(messageId) ?? [];
            Assert.All(handed, c => Assert.True(c.At >= review.At, $"review {review.Review.ReviewId} was approved at {review.At} but its message was handed to a channel at {c.At}"));
            Assert.Single(run.Accepted, s => s.MessageId == messageId);
            Assert.Equal(OutboxStatus.Sent, run.Outbox[messageId].Status);
        }

        Assert.True(lowConfidence > 0, "no approved review was held for low confidence");

        // Rejected reviews never reach a channel or the outbox; nor do the ones still waiting.
        foreach (var messageId in run.Rejected.Keys)
        {
            Assert.False(calls.ContainsKey(messageId), $"rejected message {messageId} was handed to a channel");
            Assert.False(run.Outbox.ContainsKey(messageId));
        }

        foreach (var pending in await t.Agent.Reviews.ListPendingAsync(100_000, TestContext.Current.CancellationToken))
        {
            Assert.False(calls.ContainsKey(pending.Message.Id), $"pending message {pending.Message.Id} was handed to a channel");
            Assert.False(run.Outbox.ContainsKey(pending.Message.Id));
        }
    }

    [Fact]
    public async Task Why_did_customer_X_get_message_Y_is_answered_for_every_goal()
    {
        var t = run.Agent;
        var byGoal = run.Accepted.GroupBy(s => s.Message.GoalId).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        Assert.Equal(["cross-sell", "vip-recommendation", "welcome", "win-back"], byGoal.Keys.Order(StringComparer.Ordinal));
        foreach (var (goal, sends) in byGoal)
        {
            foreach (var send in sends.Take(25))
            {
                var trace = await t.Agent.WhyMessageAsync(send.MessageId, TestContext.Current.CancellationToken);
                Assert.NotNull(trace);
                Assert.Equal(send.Message.DecisionId, trace.DecisionId);
                Assert.Equal(send.Message.CustomerId, trace.CustomerId);
                Assert.Equal(send.MessageId, trace.MessageId);
                var chosen = trace.Chosen;
                Assert.NotNull(chosen);
                Assert.Equal((goal, send.Message.VariantId, send.Message.Channel), (chosen.GoalId, chosen.VariantId, chosen.Channel));
                Assert.True(chosen.Allowed);

                // Every rule's verdict is on the trace, in evaluation order.
                Assert.Equal(t.Pipeline.Policies.Select(p => p.Name), chosen.Verdicts.Select(v => v.Rule));
                var text = trace.Explain();
                Assert.Contains($"customer {send.Message.CustomerId}", text, StringComparison.Ordinal);
                Assert.Contains($"goal {goal}: proposed", text, StringComparison.Ordinal);
                Assert.Contains($"* candidate {goal}/{send.Message.VariantId} via {send.Message.Channel}", text, StringComparison.Ordinal);
                Assert.Contains($"message {send.MessageId}", text, StringComparison.Ordinal);
            }
        }

        // A lapsed buyer whose SMS consent is not written: the answer names the goal, the chosen channel and the consent rule that kept
        // the SMS alternative out.
        var example = run.Accepted.First(s => s.Message.GoalId == "win-back" && run.Customer(s.Message.CustomerId).Customer.FindContact(ChannelKind.Sms) is not null);
        var why = await t.Agent.WhyMessageAsync(example.MessageId, TestContext.Current.CancellationToken);
        Assert.NotNull(why);
        var explanation = why.Explain();
        Assert.Contains("goal win-back: proposed 1 variant(s)", explanation, StringComparison.Ordinal);
        Assert.Contains("* candidate win-back/win-back-offer via email offer missyou15: allowed", explanation, StringComparison.Ordinal);
        Assert.Contains("  candidate win-back/win-back-offer via sms offer missyou15: blocked", explanation, StringComparison.Ordinal);
        Assert.Contains("consent: Deny NoConsent - Marketing SMS requires prior express written consent.", explanation, StringComparison.Ordinal);
        Assert.Contains("strategy goal-priority", explanation, StringComparison.Ordinal);
        output.WriteLine(explanation);
    }
}
