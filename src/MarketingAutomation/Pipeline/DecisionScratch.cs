namespace MarketingAutomation;

/// <summary>
/// Per-thread working memory for deciding: candidate, verdict and score buffers reused across customers, so the hot path does not
/// allocate. Also the <see cref="CandidateSink"/> goals write into.
/// </summary>
internal sealed class DecisionScratch : CandidateSink
{
    public const byte StateAllowed = 0;
    public const byte StateDenied = 1;
    public const byte StateDeferred = 2;

    private CustomerContext? _customer;
    private IChannel[] _channels = [];
    private Goal? _goal;
    private int _goalIndex;
    private Guid? _followUpOf;
    private string? _excludeChannel;

    public DecisionScratch(DecisionEngine owner, int goalCount, int policyCount)
    {
        Owner = owner;
        PolicyCount = policyCount;
        GoalProposals = new int[goalCount];
        GoalWake = new Instant[goalCount];
        Candidates = new Candidate[16];
        States = new byte[16];
        DeferUntil = new Instant[16];
        Verdicts = new PolicyVerdict[16 * Math.Max(1, policyCount)];
        Allowed = new Candidate[16];
        AllowedIndex = new int[16];
        Scores = new double[16];
    }

    public DecisionEngine Owner { get; }

    public int PolicyCount { get; }

    public Candidate[] Candidates { get; private set; }

    public byte[] States { get; private set; }

    public Instant[] DeferUntil { get; private set; }

    public PolicyVerdict[] Verdicts { get; private set; }

    public Candidate[] Allowed { get; private set; }

    public int[] AllowedIndex { get; private set; }

    public double[] Scores { get; private set; }

    public int[] GoalProposals { get; }

    public Instant[] GoalWake { get; }

    public int CandidateCount { get; private set; }

    public int ProposalCount { get; private set; }

    public void Reset(CustomerContext customer)
    {
        _customer = customer;
        CandidateCount = 0;
        ProposalCount = 0;
        Array.Clear(GoalProposals);
        GoalWake.AsSpan().Fill(Instant.MaxValue);
    }

    public void BeginGoal(Goal goal, int goalIndex, IChannel[] channels, Guid? followUpOf = null, string? excludeChannel = null)
    {
        _goal = goal;
        _goalIndex = goalIndex;
        _channels = channels;
        _followUpOf = followUpOf;
        _excludeChannel = excludeChannel;
    }

    public override void Propose(ContentVariant variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        var customer = _customer!.Customer;
        GoalProposals[_goalIndex]++;
        ProposalCount++;
        var channels = _channels;
        for (var i = 0; i < channels.Length; i++)
        {
            var channel = channels[i];
            if (!variant.Supports(channel.Kind) || (_excludeChannel is not null && string.Equals(channel.Name, _excludeChannel, StringComparison.Ordinal)))
            {
                continue;
            }

            var contact = customer.FindValidContact(channel.Kind);
            if (contact is null || !contact.IsValid)
            {
                continue;
            }

            Add(new Candidate(_goal!, variant, channel, contact, _followUpOf));
        }
    }

    public override void WakeAt(Instant instant)
    {
        if (instant < GoalWake[_goalIndex])
        {
            GoalWake[_goalIndex] = instant;
        }
    }

    private void Add(in Candidate candidate)
    {
        if (CandidateCount == Candidates.Length)
        {
            Grow();
        }

        Candidates[CandidateCount++] = candidate;
    }

    private void Grow()
    {
        var size = Candidates.Length * 2;
        Candidates = Resize(Candidates, size);
        States = Resize(States, size);
        DeferUntil = Resize(DeferUntil, size);
        Verdicts = Resize(Verdicts, size * Math.Max(1, PolicyCount));
        Allowed = Resize(Allowed, size);
        AllowedIndex = Resize(AllowedIndex, size);
        Scores = Resize(Scores, size);
    }

    private static T[] Resize<T>(T[] array, int size)
    {
        var copy = new T[size];
        Array.Copy(array, copy, array.Length);
        return copy;
    }
}
