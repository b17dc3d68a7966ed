namespace AskProAI.Data;

/// <summary>Who placed a call. Stored as an integer.</summary>
public enum CallDirection
{
    /// <summary>A customer called the company.</summary>
    Inbound = 0,

    /// <summary>The company called a customer.</summary>
    Outbound = 1,
}
