namespace AskProAI.Caching;

/// <summary>A value in L2 with the times that decide its validity.</summary>
/// <param name="Payload">The serialized value.</param>
/// <param name="CreatedUnixMs">When its computation started: it is invalid if a tag was invalidated at or after this.</param>
/// <param name="ExpiresUnixMs">When it stops being fresh.</param>
public sealed record StoredEntry(ReadOnlyMemory<byte> Payload, long CreatedUnixMs, long ExpiresUnixMs);
