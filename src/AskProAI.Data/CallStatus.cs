namespace AskProAI.Data;

/// <summary>The state of a call. Stored as an integer.</summary>
public enum CallStatus
{
    /// <summary>The call is in progress.</summary>
    Ongoing = 0,

    /// <summary>The call was answered and ended normally.</summary>
    Completed = 1,

    /// <summary>Nobody answered.</summary>
    Missed = 2,

    /// <summary>The call failed technically.</summary>
    Failed = 3,
}
